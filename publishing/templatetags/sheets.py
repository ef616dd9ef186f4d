"""What revision sheets (publishing.sheets) show that HTML cannot write by itself."""

import segno
from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def qr_code(address):
    """``address`` as a QR code: an inline SVG, drawn at the size its box gives it, with
    the address as its title. segno writes only its own markup and escapes the title."""
    return mark_safe(
        segno.make(address, error="m").svg_inline(scale=1, omitsize=True, title=address)
    )
