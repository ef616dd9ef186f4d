"""The one view class every API resource uses."""

from contextlib import contextmanager

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Prefetch, ProtectedError, RestrictedError
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.exceptions import PermissionDenied as APIPermissionDenied
from rest_framework.generics import get_object_or_404
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.settings import api_settings

from publishing import history, workflow
from publishing.addresses import SLUG_PATTERN
from publishing.citations import csl_json
from publishing.downloads import csv_download
from publishing.models import (
    Change,
    Publishable,
    Status,
    can_publish,
    can_see_unpublished,
    visible_related,
)

from . import kept
from .conditional import (
    ConditionalGetMixin,
    PreconditionFailed,
    parse_etags,
    representation_etag,
    version_in,
)
from .filters import FilterBackend, OrderingFilter, SearchFilter
from .languages import DEFAULT, requested_language
from .renderers import CSLJSONRenderer, CSVRenderer, JSONRenderer, csv_rows
from .schema import ContentAutoSchema
from .serializers import ChangeSerializer

#: Names, on a write merged with changes made since its If-Match version, whose changes
#: to which fields were kept: ``edna: Body; paula: Sectors``.
MERGED_HEADER = "Merged-With"


class StillInUse(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The item is still used by other items."
    default_code = "still_in_use"


class ChangesWaiting(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "changes_waiting"


def names_a_version(request):
    """Whether a write says which version of the item it was read from (``If-Match``): a
    merge with what changed since then names whose changes it kept (``Merged-With``)."""
    return any(tag != "*" for tag in parse_etags(request.headers.get("If-Match") or ""))


def refuse_to_publish_unseen(session):
    """A Publisher's write that says neither what becomes of the changes others left
    waiting on the item nor which version it read would publish them unreviewed, with
    nothing in the answer saying so: refused, naming whose they are, until the write asks
    for ``published`` (publish them with it) or ``review`` (add it to them), or sends the
    ``If-Match`` of what it read."""
    if session.draft is None:
        return
    authors = set(
        history.waiting_changes(session.item)
        .exclude(revision__user=session.user)
        .values_list("revision__user__username", flat=True)
    )
    if not authors:
        return
    raise ChangesWaiting(
        _(
            "“%(item)s” has unpublished changes by %(who)s waiting. Send "
            '"status": "published" to publish them with yours, or "status": '
            '"review" to add yours to them for review.'
        )
        % {"item": session.item, "who": ", ".join(sorted(filter(None, authors))) or "someone"}
    )


class CanReadHistory(permissions.BasePermission):
    """An item's versions are for those who may view unpublished items of its kind."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        if not can_see_unpublished(request.user, view.queryset.model):
            raise APIPermissionDenied("Only editors and publishers read an item's history.")
        return True


@contextmanager
def workflow_errors():
    """The workflow's refusals, as API answers that keep their reasons."""
    try:
        yield
    except DjangoPermissionDenied as error:
        raise APIPermissionDenied(str(error) or None) from error
    except workflow.StaleEdit as error:
        raise PreconditionFailed(str(error)) from error


def requested_action(requested_status, was_live, publisher):
    """What a write asks of the workflow, from the ``status`` it sends (if any).

    On a live item an Editor's write becomes unpublished changes (``review`` submits
    them); a Publisher's write goes live. ``draft`` on a live item unpublishes it.
    """
    Action = workflow.Action
    if requested_status == Status.PUBLISHED:
        return Action.PUBLISH if publisher or not was_live else Action.SAVE
    if requested_status == Status.REVIEW:
        return Action.SUBMIT
    if requested_status == Status.DRAFT:
        return Action.UNPUBLISH if was_live else Action.SAVE
    return Action.PUBLISH if was_live and publisher else Action.SAVE


def link_fields(model, relation):
    """What a related item is read for: its slug, the only thing a link to it shows (and, for
    a reverse relation, the key that ties it to its item). Loading the whole rows of an API
    list's related items cost more than all else in making them."""
    field = model._meta.get_field(relation)
    if field.one_to_many:
        return ("slug", field.field.attname)
    return ("slug",)


class ContentViewSet(ConditionalGetMixin, viewsets.ModelViewSet):
    """Read for everyone, write with model permissions, addressed by slug.

    ``queryset`` names the model; what a request sees is always
    ``visible_to(request.user)``, for the items and for every related item named in
    ``visible_relations``, so a draft neither appears nor leaks as a link. All
    relations are prefetched, so the number of queries per request does not grow
    with the page size or the amount of content.

    Writes go through the editorial workflow (:mod:`publishing.workflow`), as the
    admin's do: the same roles, the same history, and an Editor's changes to a live
    item wait as unpublished changes (answered with 202) until a Publisher publishes.
    """

    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN
    renderer_classes = [*api_settings.DEFAULT_RENDERER_CLASSES, CSVRenderer]
    #: Bodies are JSON only (others answer 415): the schema declares one body type, so
    #: clients generated from it send JSON rather than a form.
    parser_classes = [JSONParser]
    filter_backends = [FilterBackend, SearchFilter, OrderingFilter]
    schema = ContentAutoSchema()
    visible_relations = ()
    prefetch = ()
    _visible_queryset = None

    def finalize_response(self, request, response, *args, **kwargs):
        """Errors are JSON even when CSV (or CSL-JSON) was asked for: a spreadsheet row cannot say
        which parameter was wrong as clearly, and the schema documents them as JSON.
        Every answer says its language, and varies on ``Accept-Language``."""
        if getattr(response, "exception", False) and isinstance(
            getattr(request, "accepted_renderer", None), (CSVRenderer, CSLJSONRenderer)
        ):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        response = super().finalize_response(request, response, *args, **kwargs)
        translation.activate(getattr(request, "LANGUAGE_CODE", DEFAULT))
        response["Content-Language"] = getattr(self, "language", DEFAULT)
        patch_vary_headers(response, ["Accept-Language"])
        return response

    def initial(self, request, *args, **kwargs):
        """The answer's language is active while the request is handled, so what the
        workflow refuses (a stale write, a decision only a Publisher may take) is said
        in it; DRF's own messages have no Hindi and stay English."""
        self.language = requested_language(request)
        translation.activate(self.language)
        super().initial(request, *args, **kwargs)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "language": getattr(self, "language", DEFAULT)}

    def get_queryset(self):
        """A fresh copy each time, of one queryset built once per request (the view lives
        for one request): DRF's model-permission check asks for it before the action
        does, and working out every relation's visibility twice cost a tenth of a list."""
        if self._visible_queryset is None:
            self._visible_queryset = self.visible_queryset(getattr(self.request, "user", None))
        return self._visible_queryset.all()

    @classmethod
    def visible_queryset(cls, user):
        """The items ``user`` may see, with the related items they may see prefetched (the
        public's for ``None``: the data package's rows are the API's public list)."""
        model = cls.queryset.model
        related = [
            Prefetch(
                name, queryset=visible_related(model, name, user).only(*link_fields(model, name))
            )
            for name in cls.visible_relations
        ]
        return cls.queryset.visible_to(user).prefetch_related(*related, *cls.prefetch)

    # Reading ------------------------------------------------------------------

    #: Items serialized at a time when a whole list streams as CSV.
    csv_chunk_size = 500

    def list(self, request, *args, **kwargs):
        """JSON in pages; CSV as the whole filtered list, streamed a chunk at a time.
        A public page is kept whole, by its address, and else made of its items' kept
        representations where they are fresh (:mod:`publishing.api.kept`): its ids are
        read in its order, and only the items missing from the cache are loaded and
        serialized."""
        if not isinstance(request.accepted_renderer, CSVRenderer):
            if not kept.usable(request):
                return super().list(request, *args, **kwargs)
            return kept.page(self, request, self.list_of_kept_items)
        serializer = self.get_serializer(many=True)
        columns = list(serializer.child.fields)
        if kept.usable(request):
            queryset = self.filter_queryset(self.get_queryset())
            ids = list(
                queryset.prefetch_related(None).values_list(queryset.model._meta.pk.name, flat=True)
            )
            rows = kept.csv_rows(self, request, ids, columns, self.csv_chunk_size)
        else:
            items = self.filter_queryset(self.get_queryset()).iterator(
                chunk_size=self.csv_chunk_size
            )
            rows = csv_rows(serializer, items, self.csv_chunk_size)
        return csv_download(request._request, CSVRenderer.filename(self), columns, rows)

    def list_of_kept_items(self, request):
        """A page of the list from its items' kept representations (see :meth:`list`)."""
        queryset = self.filter_queryset(self.get_queryset())
        ids = queryset.prefetch_related(None).values_list(queryset.model._meta.pk.name, flat=True)
        page = self.paginate_queryset(ids)
        if page is None:
            return Response(kept.representations(self, request, list(ids)))
        return self.get_paginated_response(kept.representations(self, request, list(page)))

    def edits(self, request):
        """Whether the user edits items of this kind: they read the working copy."""
        model = self.queryset.model
        return request.user.is_authenticated and request.user.has_perm(
            f"{model._meta.app_label}.change_{model._meta.model_name}"
        )

    def working_data(self, request, instance=None):
        """The item as its reader sees it (editors: with its unpublished changes, read from
        the stored version in memory), and the version its editors' ETag carries."""
        instance = instance if instance is not None else self.get_object()
        if not self.edits(request):
            return instance, self.get_serializer(instance).data, None
        user = request.user
        working = history.working_copy(
            instance, visible=lambda model: model.objects.visible_to(user)
        )
        return working, self.get_serializer(working).data, history.version_token(instance)

    def retrieve(self, request, *args, **kwargs):
        _, data, version = self.working_data(request)
        response = Response(data)
        response.item_version = version
        return response

    # Writing ------------------------------------------------------------------

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        action = requested_action(
            serializer.validated_data.get("status"),
            was_live=False,
            publisher=can_publish(request.user, self.queryset.model),
        )
        with (
            workflow_errors(),
            workflow.edit(self.queryset.model, None, request.user, action) as session,
        ):
            session.saved(serializer.save())
        _, data, _ = self.working_data(request, self.written(session))
        return Response(
            data, status=status.HTTP_201_CREATED, headers=self.get_success_headers(data)
        )

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        model = self.queryset.model
        instance = self.get_object()
        with workflow_errors(), workflow.edit(model, instance.pk, request.user) as session:
            working = self.get_queryset().get(pk=instance.pk)
            self.check_if_match(request, working, session)
            serializer = self.get_serializer(working, data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)
            requested = serializer.validated_data.get("status")
            publisher = can_publish(request.user, model)
            if publisher and requested is None and not names_a_version(request):
                refuse_to_publish_unseen(session)
            session.action = requested_action(
                requested, was_live=session.was_live, publisher=publisher
            )
            session.saved(serializer.save())
        if session.outcome in ("unpublished changes", "submitted changes"):
            answer = status.HTTP_202_ACCEPTED
        else:
            answer = status.HTTP_200_OK
        _, data, _ = self.working_data(request, self.written(session))
        response = Response(data, status=answer)
        if session.merged_with:
            response[MERGED_HEADER] = "; ".join(
                f"{who}: {', '.join(labels)}" for who, labels in session.merged_with
            )
        return response

    def written(self, session):
        """The item an edit wrote, read again by key (a write may have changed its slug)."""
        return self.get_queryset().get(pk=session.item.pk)

    def destroy(self, request, *args, **kwargs):
        instance = self.get_object()
        with workflow_errors():
            self.check_if_match(request, instance, None)
            try:
                workflow.delete(instance, request.user)
            except (ProtectedError, RestrictedError) as error:
                raise StillInUse(self.still_in_use(instance, error.args[1])) from error
        return Response(status=status.HTTP_204_NO_CONTENT)

    def still_in_use(self, instance, users):
        """Why the item cannot go, naming only the items the user may see."""
        shown, hidden = set(), 0
        for item in users:
            if (
                not isinstance(item, Publishable)
                or item.is_public
                or can_see_unpublished(self.request.user, type(item))
            ):
                shown.add(str(item))
            else:
                hidden += 1
        names = sorted(shown)
        text = "; ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        if hidden:
            text += (" and " if text else "") + f"{hidden} unpublished item{'s' * (hidden > 1)}"
        return f"“{instance}” is still used by: {text}. Remove those links first."

    def check_if_match(self, request, instance, session):
        """Refuse a write whose ``If-Match`` names another version of the item than the
        current one (as this user reads it: an editor's working copy), saying who changed
        what in between."""
        header = request.headers.get("If-Match")
        if not header or header.strip() == "*":
            return
        sent = parse_etags(header)
        read_version = next((version_in(tag) for tag in sent if version_in(tag)), None)
        if session is not None and read_version not in (None, session.token):
            # An editor's read of an older version: their write is merged with the changes
            # made since, field by field, or refused (412) where both changed one field.
            session.check(read_version, merge=True)
            return
        if session is not None:
            # Inside an edit the rows already hold the working copy.
            data = self.get_serializer(instance).data
            version = session.token if self.edits(request) else None
        else:
            _, data, version = self.working_data(request, instance)
        current = {
            representation_etag(data, media_type, version)
            for media_type in (JSONRenderer.media_type, getattr(request, "accepted_media_type", ""))
        }
        if current & set(sent):
            return
        if session is not None and read_version == session.token:
            # Nothing was recorded after the version named, yet what was read differs: it
            # was read as a change named by that version committed (the item read just
            # before its version), so the write merges with that change.
            previous = history.version_before(instance, read_version)
            if previous is not None:
                session.check(previous, merge=True)
                return
        since = read_version
        if since is None:
            raise PreconditionFailed(
                f"“{instance}” is not the version you read: it changed since. "
                "Read it again (its ETag is in the answer) and write on top of that."
            )
        raise PreconditionFailed(
            str(workflow.StaleEdit(instance, history.changes_since(instance, since)))
            + " Read it again and write on top of that."
        )

    # History --------------------------------------------------------------------

    @extend_schema(
        summary="The item's versions",
        description=(
            "Every recorded change to the item, newest first: who, when, what happened, "
            "which fields changed (old and new) and the whole version. For editors and "
            "publishers only."
        ),
        filters=False,
        responses={
            200: ChangeSerializer(many=True),
            401: OpenApiResponse(description="Reading a history needs a token or a session."),
            403: OpenApiResponse(description="Only editors and publishers read histories."),
        },
    )
    @action(
        detail=True,
        methods=["get"],
        permission_classes=[CanReadHistory],
        filter_backends=[],
        renderer_classes=[JSONRenderer],
    )
    def history(self, request, *args, **kwargs):
        item = self.get_object()
        changes = Change.filter_item(item).select_related("revision__user")
        page = self.paginate_queryset(changes)
        serializer = ChangeSerializer(page, many=True, context=self.get_serializer_context())
        return self.get_paginated_response(serializer.data)


class CitableViewSetMixin:
    """For resources whose items have pages of their own: an item's citation as CSL-JSON
    with ``?format=csl-json`` (or ``Accept: application/vnd.citationstyles.csl+json``), the
    same document as the page's ``cite.json`` in the language asked for (``?lang=hi``: the
    Hindi title while it is current, the Hindi page's permanent address)."""

    def get_renderers(self):
        renderers = super().get_renderers()
        if getattr(self, "action", None) == "retrieve":
            renderers.append(CSLJSONRenderer())
        return renderers

    def retrieve(self, request, *args, **kwargs):
        if not isinstance(request.accepted_renderer, CSLJSONRenderer):
            return super().retrieve(request, *args, **kwargs)
        # The item alone: a citation needs none of the relations the JSON prefetches.
        item = get_object_or_404(
            self.queryset.visible_to(request.user), **{self.lookup_field: kwargs[self.lookup_field]}
        )
        self.check_object_permissions(request, item)
        with translation.override(self.language):
            return Response(csl_json(item, request._request))
