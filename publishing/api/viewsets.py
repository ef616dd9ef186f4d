"""The one view class every API resource uses."""

from django.db.models import Prefetch, ProtectedError, RestrictedError
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import status, viewsets
from rest_framework.exceptions import APIException
from rest_framework.renderers import JSONRenderer
from rest_framework.settings import api_settings

from publishing.models import visible_related

from .conditional import ConditionalGetMixin
from .filters import OrderingFilter, SearchFilter
from .renderers import CSVRenderer
from .schema import ContentAutoSchema


class StillInUse(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The item is still used by other items."
    default_code = "still_in_use"


class ContentViewSet(ConditionalGetMixin, viewsets.ModelViewSet):
    """Read for everyone, write with model permissions, addressed by slug.

    ``queryset`` names the model; what a request sees is always
    ``visible_to(request.user)``, for the items and for every related item named in
    ``visible_relations``, so a draft neither appears nor leaks as a link. All
    relations are prefetched, so the number of queries per request does not grow
    with the page size or the amount of content.
    """

    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    renderer_classes = [*api_settings.DEFAULT_RENDERER_CLASSES, CSVRenderer]
    filter_backends = [DjangoFilterBackend, SearchFilter, OrderingFilter]
    schema = ContentAutoSchema()
    visible_relations = ()
    prefetch = ()

    def finalize_response(self, request, response, *args, **kwargs):
        """Errors are JSON even when CSV was asked for: a spreadsheet row cannot say
        which parameter was wrong as clearly, and the schema documents them as JSON."""
        if getattr(response, "exception", False) and isinstance(
            getattr(request, "accepted_renderer", None), CSVRenderer
        ):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    def get_queryset(self):
        user = getattr(self.request, "user", None)
        model = self.queryset.model
        related = [
            Prefetch(name, queryset=visible_related(model, name, user))
            for name in self.visible_relations
        ]
        return self.queryset.visible_to(user).prefetch_related(*related, *self.prefetch)

    def perform_destroy(self, instance):
        try:
            instance.delete()
        except (ProtectedError, RestrictedError) as error:
            users = sorted({str(item) for item in error.args[1]})
            shown = "; ".join(users[:5]) + (f" and {len(users) - 5} more" if len(users) > 5 else "")
            raise StillInUse(
                f"“{instance}” is still used by: {shown}. Remove those links first."
            ) from error
