"""Content negotiation that says which formats exist when asked for one that does not."""

from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation


class ContentNegotiation(DefaultContentNegotiation):
    def filter_renderers(self, renderers, format):
        """``?format=xml`` is a 406 naming the formats on offer, not a bare "Not found."
        (DRF's answer, which reads as if the item were missing)."""
        matching = [renderer for renderer in renderers if renderer.format == format]
        if not matching:
            offered = ", ".join(dict.fromkeys(renderer.format for renderer in renderers))
            raise NotAcceptable(f"There is no “{format}” format here. Ask for one of: {offered}.")
        return matching
