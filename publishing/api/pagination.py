from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    """Pages of 20 by default; consumers may ask for up to 100 with ``page_size``.

    The next and previous pages are also given in a ``Link`` header so that CSV
    consumers, whose body has no room for them, can still walk the pages.
    """

    page_size_query_param = "page_size"
    page_size_query_description = "Items per page (default 20, at most 100)."
    page_query_description = "Page number, starting at 1."
    max_page_size = 100

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        links = [
            f'<{url}>; rel="{rel}"'
            for rel, url in (("next", self.get_next_link()), ("prev", self.get_previous_link()))
            if url
        ]
        if links:
            response["Link"] = ", ".join(links)
        return response

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        descriptions = {
            "count": "How many items match, on all pages together.",
            "next": "The next page, or null on the last one.",
            "previous": "The previous page, or null on the first one.",
            "results": "This page's items.",
        }
        for name, description in descriptions.items():
            paginated["properties"][name]["description"] = description
        # Every page carries all four, next and previous as null where there is none.
        paginated["required"] = list(descriptions)
        return paginated
