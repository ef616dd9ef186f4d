"""Conditional GET for the API: an ETag on every successful read, 304 on a repeat.

The ETag is a hash of the rendered body, as Django's ConditionalGetMiddleware does,
rather than a guess from ``updated`` times: a list or a detail also shows related
items (their links, an initiative's sections), and a deleted item or a renamed
neighbour changes the body without touching any ``updated`` in the queryset. The
server still builds the body, but a client that already has it gets nothing back.
"""

from functools import partial

from django.utils.cache import get_conditional_response, patch_vary_headers, set_response_etag

#: The body depends on the format asked for and on who asks (staff see drafts).
VARY_ON = ("Accept", "Authorization", "Cookie")


def answer_not_modified(request, response):
    """Post-render callback: tag the body, and swap it for a 304 when the client has it."""
    set_response_etag(response)
    if response.has_header("ETag"):
        return get_conditional_response(request, etag=response["ETag"], response=response)
    return None


class ConditionalGetMixin:
    """For API views: validators on successful reads; the body varies by format and user."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_vary_headers(response, VARY_ON)
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            response.add_post_render_callback(partial(answer_not_modified, request._request))
        return response
