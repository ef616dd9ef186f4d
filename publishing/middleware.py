"""Previews of unpublished items at their public address, for one request at a time."""

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist
from django.utils.cache import add_never_cache_headers

from . import preview
from .history import WorkingCopy
from .models import Publishable, can_see_unpublished


def requested_preview(request):
    """The item ``?preview=app.model.pk`` names, if the user may view unpublished ones."""
    key = request.GET.get(preview.PREVIEW_PARAMETER, "")
    label, _, pk = key.rpartition(".")
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return None
    if not issubclass(model, Publishable) or not can_see_unpublished(request.user, model):
        return None
    try:
        return model._base_manager.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):
        return None


def show_preview(request, item, get_response):
    """Answer the request as the public would see it with ``item`` published as it stands
    (its unpublished changes included); nothing of the preview is written, kept or cached."""
    with preview.previewing(item, WorkingCopy.of_draft(item)):
        response = get_response(request)
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex"
    return response


class PreviewMiddleware:
    """Shows ``?preview=`` previews to staff, and makes sure no preview outlives its request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            item = requested_preview(request) if preview.PREVIEW_PARAMETER in request.GET else None
            if item is not None:
                return show_preview(request, item, self.get_response)
            response = self.get_response(request)
            if preview.previewed_item() is not None:
                add_never_cache_headers(response)
                response["X-Robots-Tag"] = "noindex"
            return response
        finally:
            preview.deactivate()
