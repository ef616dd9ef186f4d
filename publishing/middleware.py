"""Previews of unpublished items at their public address, for one request at a time; and
the admin in each editor's own time zone."""

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers

from . import preview
from .history import WorkingCopy
from .models import EditorProfile, Publishable, can_see_unpublished


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


def editor_profile(request):
    """The signed-in staff user's profile, for an admin request; None for every other
    request (public pages and the API answer the same whoever asks). A user without a
    profile yet has the defaults: reading a page never writes."""
    if not request.path_info.startswith(reverse("admin:index")):
        return None
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_staff:
        return None
    profile = EditorProfile.objects.filter(user=user).first()
    if profile is None:
        return EditorProfile(user=user)
    user._editor_profile = profile
    return profile


class EditorPreferencesMiddleware:
    """The admin in the signed-in editor's own time zone and language (their profile's:
    Asia/Kolkata and English unless they chose others).

    Times: storage stays UTC. Django converts what the date and time boxes hold from the
    active zone, and :func:`~publishing.models.when` names the zone of every time it
    writes. Language: Django's admin has its own Hindi; the editorial screens' own words
    follow as they are translated. Public pages and the API are answered in UTC and in
    their address's language whoever asks, so a cached page or an API answer never
    depends on the reader.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        profile = editor_profile(request)
        if profile is None:
            return self.get_response(request)
        with timezone.override(profile.zone), translation.override(profile.language):
            request.LANGUAGE_CODE = profile.language
            response = self.get_response(request)
        response.headers["Content-Language"] = profile.language
        return response
