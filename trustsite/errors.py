"""A request Django refuses before any view reads it (a body larger than it accepts, too
many fields, a bad header) answers as the rest of its channel does: the API in JSON,
with what was wrong, and pages with Django's own plain 400 page."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import JsonResponse
from django.views import defaults

from .outage import API_PREFIX


def what_was_wrong(exception):
    if isinstance(exception, RequestDataTooBig):
        return (
            f"The request body is larger than the {settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} "
            "bytes the API accepts."
        )
    if isinstance(exception, TooManyFieldsSent):
        return "The request sends more fields than the API accepts."
    return "The request could not be read."


def bad_request(request, exception):
    if request.path_info.startswith(API_PREFIX):
        return JsonResponse({"detail": what_was_wrong(exception)}, status=400)
    return defaults.bad_request(request, exception)
