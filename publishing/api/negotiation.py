"""Content negotiation that says which formats exist when asked for one that does not."""

import re

from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation

#: What a format's name looks like (json, csv, api, yaml, openapi-json…).
FORMAT_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,19}")


class ContentNegotiation(DefaultContentNegotiation):
    def filter_renderers(self, renderers, format):
        """``?format=xml`` is a 406 naming the formats on offer, not a bare "Not found."
        (DRF's answer, which reads as if the item were missing).

        The format asked for is named back only when it looks like a format's name:
        ``?format=<script>…`` (or ten kilobytes of anything) is not repeated to the
        sender. This negotiation serves every API view, the schema's and the root's
        included, whatever renderer writes their errors.
        """
        matching = [renderer for renderer in renderers if renderer.format == format]
        if not matching:
            offered = ", ".join(dict.fromkeys(renderer.format for renderer in renderers))
            asked = f"“{format}”" if FORMAT_NAME.fullmatch(format) else "such"
            raise NotAcceptable(f"There is no {asked} format here. Ask for one of: {offered}.")
        return matching
