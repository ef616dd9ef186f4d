"""Serializer pieces shared by every resource: links by slug, public page links, and
validation that reuses the models' own rules."""

import contextlib
import copy
import difflib
import json
from collections.abc import Mapping

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils import translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject
from rest_framework.settings import api_settings
from rest_framework.utils import encoders
from rest_framework.utils.urls import remove_query_param

from publishing import history, workflow
from publishing.addresses import by_slug
from publishing.models import Change, Draft, Status, can_publish
from publishing.translation import LANGUAGE, STATUS_LABELS, Translated, hindi_name

from .conditional import parse_etags, version_in


class CleanLinkMixin:
    """Links to items: the same in every format, and made without reversing each one.

    DRF would carry ``?format=csv`` into links of a CSV answer, and a CSV row could then
    not be matched with the JSON item, so links never carry it. Reversing an address for
    each link was a fifth of a long list's time: each view is reversed once per request
    (see :mod:`publishing.addresses`).
    """

    def get_url(self, obj, view_name, request, format):
        # A CSV read at /api/v1/sectors.csv would otherwise link to /api/v1/sectors/ai.csv.
        format = None
        if request is None or obj.pk in (None, ""):
            return self.clean(super().get_url(obj, view_name, request, format))

        def reverse_slug(value):
            kwargs = {self.lookup_url_kwarg: value}
            return self.clean(self.reverse(view_name, kwargs=kwargs, request=request))

        templates = request.__dict__.setdefault("_link_templates", {})
        key = (view_name, self.lookup_url_kwarg)
        return by_slug(templates, key, getattr(obj, self.lookup_field), reverse_slug)

    @staticmethod
    def clean(url):
        if url and "?" in url:
            return remove_query_param(url, api_settings.URL_FORMAT_OVERRIDE)
        return url


class SlugHyperlinkedIdentityField(CleanLinkMixin, serializers.HyperlinkedIdentityField):
    """The item's own API link, addressed by slug."""

    def __init__(self, **kwargs):
        kwargs.setdefault("lookup_field", "slug")
        super().__init__(**kwargs)


@extend_schema_field(
    {
        "type": "string",
        "description": "Reads as the related item's API link; write its slug (or that link).",
    }
)
class SlugHyperlinkField(CleanLinkMixin, serializers.HyperlinkedRelatedField):
    """A related item: shown as its API link, written as its slug or that same link.

    Showing links lets a client follow the API; accepting slugs lets an editor's
    script write ``"sectors": ["ai"]`` without building URLs, and accepting links
    means a body read from the API can be sent straight back.
    Only items the writer may see can be linked, so drafts stay invisible to
    anyone who cannot read them.
    """

    default_error_messages = {
        "does_not_exist": "No {model} with the slug or link “{value}” exists.",
        "incorrect_type": "Give a slug (a string), not {data_type}.",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("lookup_field", "slug")
        super().__init__(**kwargs)

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        return queryset.visible_to(getattr(request, "user", None))

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("incorrect_type", data_type=type(data).__name__)
        queryset = self.get_queryset()
        if "/" in data:
            try:
                return super().to_internal_value(data)
            except serializers.ValidationError:
                pass
        elif "\x00" not in data:  # PostgreSQL refuses NUL in a query: it is no slug anyway
            found = queryset.filter(slug=data).first()
            if found is not None:
                return found
        self.fail("does_not_exist", model=queryset.model._meta.verbose_name, value=data)


def singular(name):
    """``sectors`` -> ``sector``, ``countries`` -> ``country``, ``children`` -> ``child``."""
    if name == "children":
        return "child"
    if name.endswith("ies"):
        return f"{name[:-3]}y"
    return name.removesuffix("s")


#: Every resource's publication state and window, beside its slug.
PUBLICATION_FIELDS = ("status", "go_live_at", "expire_at")
#: When the item was last checked against its sources (read-only), on the items whose
#: pages say so.
CHECKED = "last_checked"

#: Descriptions for the schema, for fields whose model field has no help text.
FIELD_DESCRIPTIONS = {
    "url": "This item in the API.",
    "slug": "The item's identifier in URLs, unique among items of its kind.",
    "created": "When the item was first saved.",
    "updated": "When the item last changed.",
    "name": "The item's name.",
    "acronym": "The usual short form, if any.",
    "title": "The title.",
    "summary": "One or two plain sentences.",
    "body": "The full text, in Markdown.",
    "description": "What it is about, in a few sentences.",
    "publisher": "Who published the document.",
    "published_on": "When the document was published.",
    "symbol": "The chemical symbol, such as Nd.",
    "group": "The mineral's group.",
    "year": "The year.",
    "month": "The month (1-12), when known.",
    "day": "The day of the month, when known.",
    "precision": "How precisely the date is known: year, month or day.",
    "kind": "What the section is: aims, a key feature, significance, an overview.",
    "heading": "The section's heading.",
    "mineral": "The mineral: its API link (write its slug).",
    "sector": "The sector: its API link (write its slug).",
    "sectors": "The sectors it covers: their API links (write slugs).",
    "initiative": "The initiative: its API link (write its slug).",
    "country": "The country: its API link (write its slug).",
    "countries": "The countries involved: their API links (write slugs).",
    "organizations": "The organizations involved: their API links (write slugs).",
    "unit": "The unit of the value.",
}


#: What a write that names a field it cannot write is told, field by field: a field the
#: answers show is read-only (with where its value comes from), a field of the model that
#: the API does not carry is changed elsewhere, anything else is unknown. A serializer adds
#: its own fields' reasons in ``read_only_reasons``; ``READ_ONLY`` alone means a field was
#: added without one (the tests look for that).
READ_ONLY = _("Read-only.")
LINK_CHECKER_FIELDS = ("link_status", "link_checked_at", "final_url", "redirects", "link_error")
READ_ONLY_REASONS = {
    "url": _("Read-only: the item's address in the API, made from its slug."),
    "page": _("Read-only: the item's page on the public site, made from its slug."),
    "cite": _("Read-only: the address of the item's citation, made from its slug."),
    "created": _("Read-only: set when the item is first saved."),
    "updated": _("Read-only: set each time the item changes."),
    "last_checked": _(
        "Read-only: set when an editor marks the item as checked against its sources "
        "(in the admin)."
    ),
    "hindi_translation": _("Read-only: worked out from each translated field's English and Hindi."),
    "id": _("Read-only: the database's key. The API addresses items by slug."),
    "translated_from": _("Read-only: kept by the site as each Hindi field is written."),
    **dict.fromkeys(LINK_CHECKER_FIELDS, _("Read-only: set by the link checker.")),
}
SLUGS_REASON = _("Read-only: the slugs of “%(field)s”. Write them in “%(field)s”.")
OTHER_SIDE_REASON = _("Read-only: set on the other side, in the “%(field)s” of each %(model)s.")
PARTS_REASON = _("Read-only: edited with the item in the admin.")
KEPT_BY_SITE = _("Read-only: kept by the site.")
NOT_IN_API = _("Not in the API: change it in the admin.")
UNKNOWN_FIELD = _("Unknown field.")
UNKNOWN_FIELD_LIKE = _("Unknown field. Did you mean “%(field)s”?")


def as_sent(value):
    """``value`` as JSON carries it, to compare what a client sent with what it was shown."""
    return json.loads(json.dumps(value, cls=encoders.JSONEncoder))


class DescribedFieldsMixin:
    """Gives every field a description in the schema, as consumers need to read it."""

    def get_fields(self):
        fields = super().get_fields()
        for name, field in fields.items():
            if not field.help_text:
                field.help_text = FIELD_DESCRIPTIONS.get(name, name.replace("_", " ").capitalize())
        return fields


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {"type": "string", "enum": list(STATUS_LABELS)},
        "description": "Each translated field's Hindi: `missing`, `outdated` (the English "
        "changed since it was translated) or `current`. In Hindi answers a field that is "
        "not `current` carries the English.",
    }
)
class HindiTranslationField(serializers.Field):
    """The freshness of each translated field's Hindi (read only)."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, item):
        return item.hindi_statuses()


class ContentSerializer(DescribedFieldsMixin, serializers.HyperlinkedModelSerializer):
    """Base for every resource.

    ``url`` is the item in the API, ``page`` its page on the public site. Writes run
    the model's own ``full_clean`` (field validators and ``clean()``), so the API and
    the admin accept exactly the same content, and a rule lives only in its model.

    A write that names a field it cannot write is refused, naming each such field and
    why (see :meth:`refused_fields`): nothing a client sends is silently dropped.
    """

    serializer_related_field = SlugHyperlinkField
    serializer_url_field = SlugHyperlinkedIdentityField
    #: Why each of this resource's own read-only fields cannot be written (beside
    #: ``READ_ONLY_REASONS``, which every resource shares).
    read_only_reasons = {}

    def build_standard_field(self, field_name, model_field):
        """Integers within the range their column holds on every database: SQLite would
        let a PositiveSmallIntegerField reach 2**63 - 1, PostgreSQL stops at 32767, and the
        schema and the validation must say the same on both."""
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        limits = BaseDatabaseOperations.integer_field_ranges.get(model_field.get_internal_type())
        if limits and issubclass(field_class, serializers.IntegerField):
            low, high = limits
            kwargs["min_value"] = max(kwargs.get("min_value", low), low)
            kwargs["max_value"] = min(kwargs.get("max_value", high), high)
        return field_class, kwargs

    def get_field_names(self, declared_fields, info):
        """Each translated field's Hindi twin (``summary_hi``) beside it, read and written
        under the same workflow as the English."""
        names = list(super().get_field_names(declared_fields, info))
        model = self.Meta.model
        if issubclass(model, Translated):
            names += [hindi_name(name) for name in model.translated_fields if name in names]
        return names

    def to_representation(self, instance):
        """In a Hindi answer, each translated field carries its Hindi while it is current
        (else its English, as ``hindi_translation`` says). The answer is made in its
        language: ``page`` is the Hindi page, a figure's value reads as on it."""
        language = self.context.get("language")
        with translation.override(language) if language else contextlib.nullcontext():
            data = represent(self, instance)
        if isinstance(instance, Translated) and self.context.get("language") == LANGUAGE:
            for name in instance.translated_fields:
                hindi = instance.hindi_in_use(name)
                if name in data and hindi is not None:
                    data[name] = hindi
        return data

    def get_fields(self):
        """Beside each related item's link, its slug (``country_slug``) or its items' slugs
        (``sector_slugs``): the filters take slugs, so consumers need not cut them out of
        links. Read-only: writes name related items by slug in the link's own field."""
        fields = {}
        for name, field in super().get_fields().items():
            fields[name] = field
            many = isinstance(field, serializers.ManyRelatedField)
            link = field.child_relation if many else field
            if not isinstance(link, SlugHyperlinkField):
                continue
            if not many:
                fields[f"{name}_slug"] = companion = serializers.SlugRelatedField(
                    source=field.source or name,
                    slug_field="slug",
                    read_only=True,
                    allow_null=field.allow_null,
                    help_text=f"The slug of `{name}`, as the filters take it.",
                )
            else:
                fields[f"{singular(name)}_slugs"] = companion = serializers.SlugRelatedField(
                    source=field.source or name,
                    slug_field="slug",
                    many=True,
                    read_only=True,
                    help_text=f"The slugs of `{name}`, in the same order, as filters take them.",
                )
            companion.slugs_of = name
        if issubclass(self.Meta.model, Translated):
            fields["hindi_translation"] = HindiTranslationField(
                help_text="How fresh each translated field's Hindi is."
            )
        return fields

    def to_internal_value(self, data):
        """Every field's errors, the fields it may not write and the model's own rules,
        reported together.

        DRF stops at the first failing field check and never reaches the model's
        ``clean()``; an editor fixing a request then meets one error at a time. The
        model's rules run here on the fields that were valid, so a bad group and a bad
        symbol are both reported at once, as the admin reports them.
        """
        if not isinstance(data, Mapping):
            # DRF's own 400: "Invalid data. Expected a dictionary, but got list."
            return super().to_internal_value(data)
        refused = self.refused_fields(data)
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as error:
            errors = dict(error.detail) if isinstance(error.detail, dict) else {}
            if not errors:
                raise
            errors.update(refused)
            valid = {}
            for field in self._writable_fields:
                if field.field_name in errors or field.read_only:
                    continue
                primitive = field.get_value(data)
                try:
                    value = field.run_validation(primitive)
                except (serializers.ValidationError, serializers.SkipField):
                    continue
                self.set_value(valid, field.source_attrs, value)
            for name, messages in self.model_errors(valid, exclude=errors).items():
                errors.setdefault(name, messages)
            raise serializers.ValidationError(errors) from error
        if refused:
            raise serializers.ValidationError({**self.model_errors(value), **refused})
        return value

    def refused_fields(self, data):
        """``{name: [why]}`` for each field ``data`` names that this write cannot set.

        A read-only field sent with the value the item has is no request to change it:
        it is what a client that writes back the item it read sends, and is accepted.
        "The value the item has" is the item as the writer reads it now or, for a write
        whose ``If-Match`` names an older version (a stale body, merged with the changes
        made since), as that version read. Any other value is refused, and so is every
        field a new item is sent with that no write sets.
        """
        writable = {field.field_name for field in self._writable_fields}
        names = [name for name in data if name not in writable]
        if not names:
            return {}
        shown = [name for name in names if name in self.fields]
        if shown and self.instance is not None:
            readings = [as_sent(self.to_representation(self.instance))]
            if any(not self.read_as(name, data[name], readings) for name in shown):
                version = self.version_read()
                if version is not None:
                    readings.append(as_sent(self.to_representation(version)))
            names = [name for name in names if not self.read_as(name, data[name], readings)]
        return {name: [self.refusal(name, writable)] for name in names}

    def read_as(self, name, value, readings):
        """Whether ``value`` (as sent) is what one of ``readings`` showed under ``name``: a
        time counts as the same instant however a client wrote it back (a generated client
        sends ``+00:00`` where it read ``Z``)."""
        sent = self.as_time(name, value)
        return any(
            name in reading and self.as_time(name, reading[name]) == sent for reading in readings
        )

    def as_time(self, name, value):
        if isinstance(self.fields.get(name), serializers.DateTimeField) and isinstance(value, str):
            try:
                return parse_datetime(value) or value
            except ValueError:  # shaped as a time, but none (month 13)
                return value
        return value

    def version_read(self):
        """The item as the version that the write's ``If-Match`` names, if that is an
        earlier one: what a client that read it then was shown."""
        request = self.context.get("request")
        header = request.headers.get("If-Match", "") if request is not None else ""
        token = next((version_in(tag) for tag in parse_etags(header) if version_in(tag)), None)
        item = self.instance
        if token is None or token == history.version_token(item):
            return None
        changes = Change.filter_item(item).select_related("revision")
        if token == "0":
            change = changes.filter(action=Change.Action.BASELINE).order_by("pk").first()
        else:
            change = changes.filter(pk=int(token)).first() if token.isdigit() else None
        if change is None or change.action == Change.Action.DELETED:
            return None
        model = type(item)
        user = request.user
        read = model._base_manager.get(pk=item.pk)
        copy_of_version = history.WorkingCopy(change.revision, model, item.pk)
        return copy_of_version.dress(read, visible=lambda related: related.objects.visible_to(user))

    def refusal(self, name, writable):
        """Why the field ``name`` cannot be written, in words."""
        field = self.fields.get(name)
        model = self.Meta.model
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            model_field = None
        if field is None and model_field is None:
            alike = difflib.get_close_matches(name, sorted(writable), n=1, cutoff=0.8)
            return UNKNOWN_FIELD_LIKE % {"field": alike[0]} if alike else UNKNOWN_FIELD
        reasons = {**READ_ONLY_REASONS, **self.read_only_reasons}
        if name in reasons:
            return reasons[name]
        link = getattr(field, "slugs_of", None)
        if link is not None:
            return SLUGS_REASON % {"field": link}
        if model_field is not None and model_field.auto_created and not model_field.concrete:
            if name in history.part_relations(model):
                return PARTS_REASON
            if model_field.remote_field is not None:
                return OTHER_SIDE_REASON % {
                    "field": model_field.remote_field.name,
                    "model": model_field.related_model._meta.verbose_name,
                }
        if field is not None:
            return READ_ONLY
        return NOT_IN_API if getattr(model_field, "editable", False) else KEPT_BY_SITE

    def validate(self, attrs):
        attrs = super().validate(attrs)
        self.refuse_a_publication_that_would_not_happen(attrs)
        errors = self.model_errors(attrs)
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def refuse_a_publication_that_would_not_happen(self, attrs):
        """An Editor's ``PATCH`` of ``"status": "published"`` that changes nothing else, to a
        live item whose unpublished changes wait, asks to publish them: it is refused as the
        workflow refuses a publication to anyone but a Publisher. (The workflow would keep
        the write as unpublished changes, and with nothing to keep answer 200 "unchanged":
        a yes that publishes nothing.) Sent with other changes, or in a whole ``PUT``, the
        live item's status is its current value and the write waits as unpublished changes
        (202), as every Editor's write to a live item does."""
        request = self.context.get("request")
        item = self.instance
        if not self.partial or item is None or attrs.get("status") != Status.PUBLISHED:
            return
        if request is None or can_publish(request.user, type(item)):
            return
        if item.status != Status.PUBLISHED or not Draft.filter_item(item).exists():
            return
        if any(self.changes(name, value) for name, value in attrs.items() if name != "status"):
            return
        raise PermissionDenied(workflow.ONLY_PUBLISHERS["publish"])

    def changes(self, name, value):
        """Whether setting ``name`` to ``value`` changes the item being written."""
        model = type(self.instance)
        if name in {field.name for field in model._meta.many_to_many}:
            current = {related.pk for related in getattr(self.instance, name).all()}
            return current != {related.pk for related in value}
        return getattr(self.instance, name, None) != value

    def model_errors(self, attrs, exclude=()):
        """The model's own rules (field validators and ``clean()``) on ``attrs``, applied
        to the stored item for a partial update, as field errors."""
        model = self.Meta.model
        many_to_many = {field.name for field in model._meta.many_to_many}
        if self.instance is None:
            candidate = model(**{k: v for k, v in attrs.items() if k not in many_to_many})
        else:
            candidate = copy.copy(self.instance)
            for name, value in attrs.items():
                if name not in many_to_many:
                    setattr(candidate, name, value)
        try:
            # Uniqueness is already checked by the serializer's own validators.
            candidate.full_clean(
                exclude=[*exclude, *many_to_many],
                validate_unique=False,
                validate_constraints=False,
            )
        except DjangoValidationError as error:
            detail = serializers.as_serializer_error(error)
            if NON_FIELD_ERRORS in detail:
                detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop(NON_FIELD_ERRORS)
            return {name: messages for name, messages in detail.items() if name not in exclude}
        return {}


def represent(serializer, instance):
    """``serializer``'s representation of ``instance``, as DRF's ``to_representation`` makes
    it, with each field's way of reading worked out once per serializer (for a list:
    once per request) instead of once per field and item, and each related list read
    once for both fields that show it (``sectors`` and ``sector_slugs``). DRF's own
    steps were half of an API list's serializing time."""
    readers = serializer.__dict__.get("_readers")
    if readers is None:
        readers = serializer._readers = [
            (field.field_name, reader(field)) for field in serializer._readable_fields
        ]
    data, related = {}, {}
    for name, read in readers:
        try:
            data[name] = read(instance, related)
        except SkipField:
            continue
    return data


def reader(field):
    """``read(instance, related)``: what DRF's ``to_representation`` puts under ``field``'s
    name. Fields that read themselves differently (a relation shown by its key alone, a
    field of a nested object) and anything unusual on the way (an error, a method to
    call) take DRF's own steps."""

    def drf(instance, related):
        attribute = field.get_attribute(instance)
        if isinstance(attribute, PKOnlyObject):
            return None if attribute.pk is None else field.to_representation(attribute)
        return None if attribute is None else field.to_representation(attribute)

    attrs = field.source_attrs
    if isinstance(field, serializers.ManyRelatedField):
        if (
            len(attrs) != 1
            or type(field).get_attribute is not serializers.ManyRelatedField.get_attribute
            or type(field).to_representation is not serializers.ManyRelatedField.to_representation
        ):
            return drf
        name, child = attrs[0], field.child_relation.to_representation

        def read_many(instance, related):
            if instance.pk is None:
                return []
            items = related.get(name)
            if items is None:
                try:
                    relationship = getattr(instance, name)
                except Exception:  # noqa: BLE001 (DRF's steps say what it means)
                    return drf(instance, related)
                if callable(relationship) and not hasattr(relationship, "all"):
                    return drf(instance, related)
                items = related[name] = list(
                    relationship.all() if hasattr(relationship, "all") else relationship
                )
            return [child(item) for item in items]

        return read_many
    plain = type(field).get_attribute is serializers.Field.get_attribute or (
        isinstance(field, serializers.RelatedField)
        and type(field).get_attribute is serializers.RelatedField.get_attribute
        and not field.use_pk_only_optimization()
    )
    if not plain or len(attrs) > 1:
        return drf
    show = field.to_representation
    if not attrs:
        return lambda instance, related: show(instance)
    name = attrs[0]

    def read(instance, related):
        try:
            value = getattr(instance, name)
        except Exception:  # noqa: BLE001 (DRF's steps say what it means)
            return drf(instance, related)
        if callable(value):
            return drf(instance, related)
        return None if value is None else show(value)

    return read


class PageLinkMixin(serializers.Serializer):
    """Adds ``page``: where a reader finds the item on the public site."""

    page = serializers.SerializerMethodField(
        help_text="The item's page (or place on a page) on the public site."
    )

    @extend_schema_field(OpenApiTypes.URI)
    def get_page(self, obj):
        url = obj.get_absolute_url()
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class CiteLinkMixin(serializers.Serializer):
    """Adds ``cite``: the item's citation as CSL-JSON, in the answer's language (for items
    with pages of their own; their viewsets take ``?format=csl-json``)."""

    cite = serializers.SerializerMethodField(
        help_text="The item's citation as CSL-JSON: this item with `?format=csl-json`, "
        "naming its current version's date and permanent address and the access date."
    )

    @extend_schema_field(OpenApiTypes.URI)
    def get_cite(self, obj):
        address = f"{self.fields['url'].to_representation(obj)}?format=csl-json"
        if self.context.get("language") == LANGUAGE:
            address += f"&lang={LANGUAGE}"
        return address


class ChangeSerializer(serializers.Serializer):
    """One recorded version of an item: who, when, what happened and what changed."""

    id = serializers.IntegerField(read_only=True, help_text="The version's number.")
    date = serializers.DateTimeField(read_only=True, help_text="When it was recorded.")
    user = serializers.SerializerMethodField(help_text="Who made the change (empty: the system).")
    action = serializers.CharField(read_only=True, help_text="What happened, as a code.")
    action_display = serializers.CharField(
        source="get_action_display", read_only=True, help_text="What happened, in words."
    )
    status = serializers.CharField(read_only=True, help_text="The item's state after it.")
    unpublished = serializers.BooleanField(
        read_only=True,
        help_text="True when the version held unpublished changes to a live item.",
    )
    comment = serializers.CharField(read_only=True, help_text="A reviewer's comment, if any.")
    changes = serializers.JSONField(
        read_only=True,
        help_text="The fields that changed since the version before: field, label, old, new.",
    )
    version = serializers.SerializerMethodField(
        help_text="The whole version, field by field: field, label, value."
    )

    def get_user(self, change) -> str:
        return change.user.get_username() if change.user else ""

    def get_version(self, change) -> list[dict]:
        return [
            {"field": key, "label": label, "value": value}
            for key, (label, value) in change.snapshot.items()
        ]
