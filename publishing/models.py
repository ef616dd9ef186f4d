"""Publication states and windows: the one rule for what the public sees.

An item is public exactly when its ``status`` is published, its ``go_live_at``
is empty or past and its ``expire_at`` is empty or future (and, for a kind that
names them in ``public_through``, the items it links are public too). The rule is
written once, as a query condition (:meth:`Publishable.public_condition`); an item
in hand is checked against that same condition (:attr:`Publishable.is_public`, by
:func:`meets`). Pages, feeds, the sitemap, search and the API all use
:meth:`PublishableQuerySet.published`. The time is read at each query, so a window
opens or closes at its second with no job to run.
"""

import datetime
import operator
import secrets
import zoneinfo

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections, models, router, transaction
from django.db.models import Expression, F, Func, Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken, AuthTokenManager

from . import preview, purge
from .guard import GuardedQuerySet


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    REVIEW = "review", "In review"
    PUBLISHED = "published", "Published"


def can_see_unpublished(user, model):
    """Drafts, items in review and scheduled items are for those who may view the model
    in the admin (its ``view`` permission), not for every staff member or token holder."""
    if user is None or not user.is_authenticated:
        return False
    return user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")


def can_publish(user, model):
    return user is not None and user.has_perm(
        f"{model._meta.app_label}.publish_{model._meta.model_name}"
    )


#: The lookups the public rule uses, evaluated on an item in hand by :func:`meets`.
LOOKUPS = {
    "exact": operator.eq,
    "isnull": lambda value, expected: (value is None) == expected,
    "lte": lambda value, limit: value is not None and value <= limit,
    "gt": lambda value, limit: value is not None and value > limit,
}


def meets(obj, condition, now=None):
    """Whether ``obj`` meets ``condition``, a ``Q`` of the :data:`LOOKUPS` above, read
    from the object (and the objects its relations lead to) instead of the database:
    so a rule written once as a query condition also decides for an item in hand. A
    :class:`Moment` in it is ``now`` (the time of the call, once for the whole condition)."""
    now = now or timezone.now()
    results = []
    for child in condition.children:
        if isinstance(child, Q):
            results.append(meets(obj, child, now))
            continue
        path, expected = child
        if isinstance(expected, Moment):
            expected = now
        *names, last = path.split("__")
        lookup = "exact"
        if last in LOOKUPS:
            lookup = last
        else:
            names.append(last)
        value = obj
        for name in names:
            value = getattr(value, "pk" if name == "pk" else name)
            if value is None:
                break
        results.append(LOOKUPS[lookup](value, expected))
    combine = all if condition.connector == Q.AND else any
    return combine(results) != condition.negated


def normalise_line_endings(sender, instance, **kwargs):
    """Line breaks stored as ``\n`` whatever sent them: browsers post ``\r\n``, imports and
    scripts ``\n``. One rule for every text field of every channel, so an unchanged text
    never reads as a change (connected to every content model at start-up)."""
    for field in instance._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField):
            value = getattr(instance, field.attname)
            if isinstance(value, str) and "\r" in value:
                setattr(instance, field.attname, value.replace("\r\n", "\n").replace("\r", "\n"))


def when(moment, zone=None):
    """A time as people read it, with its zone named: "2 Dec 2026, 14:05 IST".

    It is in the active time zone: an editor's own in the admin (see
    :class:`~publishing.middleware.EditorPreferencesMiddleware`), the site's (UTC) on public
    pages and in the API; or in ``zone`` (an email to one editor). Without the zone's name
    a time is ambiguous to a team in India and the United States.
    """
    local = timezone.localtime(moment, zone)
    return f"{format_date(local, 'j M Y, H:i')} {zone_name(local)}"


def zone_name(moment):
    """The abbreviation of ``moment``'s zone at that moment (IST, EST, EDT, UTC). Zones
    without a letter abbreviation, which Python names "+0545" or "-03", are named by their
    offset from UTC as people write it: "UTC+5:45", "UTC-3"."""
    name = moment.tzname() or ""
    if not name.startswith(("+", "-", "UTC+", "UTC-", "GMT+", "GMT-")):
        return name
    offset = round(moment.utcoffset().total_seconds() / 60)
    hours, minutes = divmod(abs(offset), 60)
    sign = "-" if offset < 0 else "+"
    return f"UTC{sign}{hours}" + (f":{minutes:02d}" if minutes else "")


class PlusDays(Func):
    """A moment plus a number of days, in SQL. Django's duration arithmetic cannot multiply
    a duration by a column on SQLite, so each database gets its own date function."""

    arity = 2
    output_field = models.DateTimeField()

    def as_sql(self, compiler, connection, **extra_context):
        (moment, moment_params), (days, days_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        return f"({moment} + ({days}) * INTERVAL '1 day')", [*moment_params, *days_params]

    def as_sqlite(self, compiler, connection, **extra_context):
        (moment, moment_params), (days, days_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        return (
            f"strftime('%%Y-%%m-%%d %%H:%%M:%%f', {moment}, ({days}) || ' days')",
            [*moment_params, *days_params],
        )


class Moment(Expression):
    """The time a query runs, read as its SQL is made: the public rule's "now".

    Read at each query, the rule opens and closes a window at its second with no job to
    run; read as the SQL is made rather than when the queryset is built, one built
    queryset serves every query after it (see :meth:`PublishableQuerySet.published`).
    The value is the one a ``datetime`` written into the condition would give, and the
    same for every moment of one query (each subquery reads its own)."""

    output_field = models.DateTimeField()

    def as_sql(self, compiler, connection):
        now = compiler.__dict__.setdefault("public_moment", timezone.now())
        return "%s", [self.output_field.get_db_prep_value(now, connection)]


#: Each kind's public queryset, by queryset class and model, built once per process.
_published = {}


class PublishableManager(models.Manager):
    """Marks the querysets it starts as untouched, so ``published()`` may start from the
    kind's public queryset built once (see :meth:`PublishableQuerySet.published`)."""

    def get_queryset(self):
        queryset = super().get_queryset()
        queryset._untouched = True
        return queryset


class PublishableQuerySet(GuardedQuerySet):
    #: Set on a queryset just as a manager made it; a copy (every filter, ordering…) is new.
    _untouched = False

    @classmethod
    def as_manager(cls):
        manager = PublishableManager.from_queryset(cls)()
        manager._built_with_as_manager = True
        return manager

    as_manager.queryset_only = True

    def published(self, at=None):
        """What the public sees now (or saw ``at`` a moment, no preview counting); the only
        definition of "published" on the site.

        Building the condition into a query cost a tenth of a millisecond per kind, and
        more for a kind public only through its links (an application, through its
        mineral and sector), for every list and prefetch of every answer. As the rule's
        time is a :class:`Moment`, the built query does not age: a kind's is built once
        per process and copied, unless a preview counts one more item as public."""
        if at is not None or not self._is_untouched() or preview.previewed_item() is not None:
            return self.filter(self.model.public_condition(at=at))
        key = (type(self), self.model)
        built = _published.get(key)
        if built is None:
            built = _published[key] = self.filter(self.model.public_condition())
        return built._chain()

    def _is_untouched(self):
        return (
            self._untouched
            and self._db is None
            and not self._hints
            and self._deferred_filter is None
            and not self._query.where
            and not self._query.alias_map
        )

    def unpublished(self):
        return self.exclude(self.model.public_condition())

    def visible_to(self, user):
        """Everything for users who may view unpublished items; the public items for others."""
        if can_see_unpublished(user, self.model):
            return self.all()
        return self.published()

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)

    def with_check_due(self):
        """Each item with ``due``: when it is next due to be checked against its sources
        (its last check, or its creation if never checked, plus its interval in days)."""
        return self.annotate(
            due=PlusDays(
                Coalesce(F("last_checked"), F("created")),
                Coalesce(F("review_interval"), Value(self.model.review_days)),
            )
        )

    def overdue(self, now=None):
        """Items due to be checked against their sources by ``now``, most overdue first."""
        return self.with_check_due().filter(due__lte=now or timezone.now()).order_by("due", "pk")


def visible_related(model, relation, user=None):
    """The items behind ``model.relation`` that ``user`` may see (public ones for the public).

    Found through the field, so an app reaches what a later app adds (a sector's
    applications, an initiative's minerals) without importing it.
    """
    return model._meta.get_field(relation).related_model.objects.visible_to(user)


class Publishable(models.Model):
    """What every public item has: a slug, a publication state and window, and its times."""

    Status = Status

    slug = models.SlugField(
        max_length=120,
        unique=True,
        help_text=(
            "The item's address on the site and in the API: lower-case letters, digits and "
            "hyphens, such as rare-earth-elements. Changing it breaks links others have made."
        ),
    )
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
        help_text=(
            "Draft: being written. In review: waiting for a Publisher. Published: public, "
            "within the times below."
        ),
    )
    go_live_at = models.DateTimeField(
        "go live at",
        null=True,
        blank=True,
        db_index=True,
        help_text="A published item stays hidden until this time. Empty: at once.",
    )
    expire_at = models.DateTimeField(
        "expire at",
        null=True,
        blank=True,
        db_index=True,
        help_text="A published item is hidden again from this time. Empty: never.",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    last_checked = models.DateTimeField(
        "last checked against sources",
        null=True,
        blank=True,
        editable=False,
        help_text="When an editor last checked the item against its sources.",
    )
    review_interval = models.PositiveSmallIntegerField(
        "review interval (days)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=(
            "How many days after a check the item is due to be checked against its sources "
            "again (1 to 3650). Empty: the default for its kind."
        ),
    )

    objects = PublishableQuerySet.as_manager()

    #: How many days after a check an item of this kind is due again, unless the item's
    #: own ``review_interval`` says otherwise. Kinds whose facts move faster say fewer.
    review_days = 365
    #: Fields written only by bookkeeping operations (a check against the sources), never
    #: by an edit: versions do not describe them and restoring a version keeps the rows'.
    row_only_fields = ("last_checked",)

    #: Reverse relations whose rows are parts of the item (an initiative's sections):
    #: they are versioned, reviewed and reverted with it.
    versioned_parts = ()
    #: Links to other items that must be public too for this one to be (an application
    #: is public only while its mineral and its sector are).
    public_through = ()

    class Meta:
        abstract = True
        default_permissions = ("add", "change", "delete", "view", "publish")
        #: Django's plain base manager would let bulk writes past the guard.
        base_manager_name = "objects"

    def natural_key(self):
        return (self.slug,)

    @classmethod
    def from_db(cls, db, field_names, values):
        """An item as loaded; the previewed one reads as its working copy (see preview)."""
        instance = super().from_db(db, field_names, values)
        preview.dress(instance)
        return instance

    @classmethod
    def public_condition(cls, prefix="", at=None):
        """The public rule as a query condition, for this model or one reached by ``prefix``.

        ``at`` asks whether an item was public at that past moment (a dated version reads
        it from the item as it was then, see :mod:`publishing.versions`); no preview counts.
        """
        now = at or Moment()
        condition = (
            Q(**{f"{prefix}status": Status.PUBLISHED})
            & (Q(**{f"{prefix}go_live_at__isnull": True}) | Q(**{f"{prefix}go_live_at__lte": now}))
            & (Q(**{f"{prefix}expire_at__isnull": True}) | Q(**{f"{prefix}expire_at__gt": now}))
        )
        previewed = preview.previewed_pk(cls) if at is None else None
        if previewed is not None:
            condition |= Q(**{f"{prefix}pk": previewed})
        for name in cls.public_through:
            linked = cls._meta.get_field(name).related_model
            condition &= linked.public_condition(f"{prefix}{name}__", at)
        return condition

    @property
    def is_public(self):
        """The public rule for this item in hand: the same condition, read from the item."""
        return meets(self, self.public_condition())

    @property
    def is_live(self):
        """Published, whatever the window: its rows are the public version, so edits to it
        wait as unpublished changes instead of reaching the public at once."""
        return self.status == Status.PUBLISHED

    @property
    def publication_state(self):
        """The state in words, as the admin and the preview banner say it."""
        if self.status != Status.PUBLISHED:
            return self.get_status_display()
        now = timezone.now()
        if self.go_live_at and self.go_live_at > now:
            return _("Scheduled to go live %(when)s") % {"when": when(self.go_live_at)}
        if self.expire_at and self.expire_at <= now:
            return _("Expired %(when)s") % {"when": when(self.expire_at)}
        return str(_("Published"))

    @classmethod
    def problems(cls):
        """Items of this kind with a problem for editors beyond the workflow, for the inbox:
        ``(item, what, since)``. None by default; a source reports a dead or moved address."""
        return []

    @property
    def review_interval_days(self):
        """The days between checks against the sources: the item's own, else its kind's."""
        return self.review_interval or self.review_days

    @property
    def check_due(self):
        """When the item is next due to be checked against its sources."""
        since = self.last_checked or self.created
        if since is None:
            return None
        return since + datetime.timedelta(days=self.review_interval_days)

    @property
    def is_overdue(self):
        due = self.check_due
        return due is not None and due <= timezone.now()

    def publication_errors(self):
        """Errors in the publication window, for a model's ``clean`` to report with its own."""
        if self.go_live_at and self.expire_at and self.expire_at <= self.go_live_at:
            return {"expire_at": "An item must expire after it goes live."}
        return {}

    def clean(self):
        errors = self.publication_errors()
        if errors:
            raise ValidationError(errors)


class ItemReference(models.Model):
    """Points at one content item of any kind (the publishing layer imports no content app)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)
    item = GenericForeignKey("content_type", "object_id")

    class Meta:
        abstract = True

    @classmethod
    def filter_item(cls, item):
        return cls.objects.filter(
            content_type=ContentType.objects.get_for_model(item), object_id=str(item.pk)
        )


class Change(ItemReference):
    """One recorded change to an item, with the full version it left behind.

    The version itself (the item, its parts and its links) is a django-reversion
    revision, so it can be restored; this row says what happened, who did it and
    what changed, in words, for the history, the review screen and the API.
    """

    class Action(models.TextChoices):
        BASELINE = "baseline", _("Version before the first recorded change")
        CREATED = "created", _("Created")
        SAVED = "saved", _("Saved")
        SUBMITTED = "submitted", _("Submitted for review")
        PUBLISHED = "published", _("Published")
        UNPUBLISHED = "unpublished", _("Unpublished")
        SENT_BACK = "sent_back", _("Sent back for changes")
        DISCARDED = "discarded", _("Discarded unpublished changes")
        REVERTED = "reverted", _("Reverted to an earlier version")
        IMPORTED = "imported", _("Imported")
        RELOADED = "reloaded", _("Reloaded from the source content")
        DELETED = "deleted", _("Deleted")
        CHECKED = "checked", _("Checked against sources")

    revision = models.OneToOneField(
        "reversion.Revision", on_delete=models.CASCADE, related_name="change"
    )
    object_repr = models.CharField(max_length=300)
    action = models.CharField(max_length=20, choices=Action.choices)
    status = models.CharField(
        max_length=10, choices=Status.choices, help_text="The item's state after this change."
    )
    unpublished = models.BooleanField(
        default=False,
        help_text="The version holds unpublished changes to a live item; the public saw none.",
    )
    snapshot = models.JSONField(default=dict, help_text="The version, field by field, in words.")
    changes = models.JSONField(default=list, help_text="What changed since the version before.")
    reverted_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.object_repr}: {self.get_action_display()}"

    @property
    def user(self):
        return self.revision.user

    @property
    def date(self):
        return self.revision.date_created

    @property
    def comment(self):
        return self.revision.comment


class Draft(ItemReference):
    """Unpublished changes to a live item: its working copy, held apart from the public rows
    until a Publisher publishes it (the public keeps seeing the live version meanwhile)."""

    change = models.ForeignKey(Change, on_delete=models.PROTECT, related_name="+")
    in_review = models.BooleanField(default=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="one_draft_per_item")
        ]

    def __str__(self):
        return f"Unpublished changes to {self.change.object_repr}"


def new_share_token():
    return secrets.token_urlsafe(24)


class ShareLink(ItemReference):
    """Lets someone without an account read one item's preview until the link expires."""

    token = models.CharField(max_length=64, unique=True, default=new_share_token, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return f"Share link to {self.item} until {when(self.expires_at)}"

    def get_absolute_url(self):
        return reverse("share-link", args=[self.token])

    @property
    def is_valid(self):
        return self.expires_at > timezone.now()


class PublicChange(ItemReference):
    """A change the public saw: an item added, fields of a public item changed, or a
    public item removed (deleted, unpublished or expired: see :mod:`publishing.removals`).

    Written when a change goes live (dated at its go-live time, or a removal at its
    expiry, if that is later), so it never holds drafts, review comments or who made the
    change. Key figures keep their old and new values.
    """

    class Kind(models.TextChoices):
        ADDED = "added", _("Added")
        CHANGED = "changed", _("Changed")
        REMOVED = "removed", _("Removed")

    object_repr = models.CharField(max_length=300)
    slug = models.SlugField(
        max_length=120,
        blank=True,
        help_text="Of a removal: the address (slug) the public knew the item by, which "
        "answers 410 Gone since.",
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    date = models.DateTimeField(db_index=True)
    fields = models.JSONField(default=list, help_text="The labels of the fields that changed.")
    values = models.JSONField(default=list, help_text="Old and new values, for key figures.")

    #: Written with the row and never changed: the change log's removals are a list of
    #: its rows by kind, which changes only as rows come and go (see
    #: :func:`publishing.dependencies.structural`).
    fixed_fields = ("kind",)

    class Meta:
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "date"])]

    def __str__(self):
        return f"{self.object_repr}: {self.get_kind_display()} {when(self.date)}"


class ContentVersion(models.Model):
    """One row counting changes to content, bumped in the transaction that makes them.

    Caches key their entries by it, so every process sees a change the moment it is
    committed, with nothing to invalidate (see :mod:`publishing.cache`).
    """

    number = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Content version {self.number}, {when(self.changed_at)}"

    @classmethod
    def bump(cls, keys=("all",)):
        """Count a change to what ``keys`` name (every answer depends on "all"), in the
        caller's transaction: the counter's row lock orders concurrent changes, so a
        reader that sees a number sees every key stamped with it or less. Shared caches
        are purged of ``keys`` once the transaction commits: every change passes here,
        the signals' and the management commands' alike (:mod:`publishing.purge`; a
        command waits for it with ``purge.wait()`` before it exits)."""
        now = timezone.now()
        using = router.db_for_write(cls)
        with transaction.atomic(using=using):
            if not cls.objects.filter(pk=1).update(number=models.F("number") + 1, changed_at=now):
                cls.objects.get_or_create(pk=1, defaults={"number": 1, "changed_at": now})
            number = cls.objects.values_list("number", flat=True).get(pk=1)
            DependencyVersion.objects.bulk_create(
                [DependencyVersion(key=key, number=number) for key in sorted(set(keys))],
                update_conflicts=True,
                unique_fields=["key"],
                update_fields=["number"],
            )
        purge.after_commit(keys, using=using)
        return number


class DependencyVersion(models.Model):
    """The content version at which what one key names last changed: an item
    ("minerals.mineral:4"), a kind's lists ("minerals.mineral:list"), the items linked
    to one other ("minerals.application:mineral_id=4"). A cached answer is fresh while
    none of the keys it was built from changed after it (see :mod:`publishing.cache`)."""

    key = models.CharField(max_length=255, unique=True)
    number = models.PositiveBigIntegerField(db_index=True)

    def __str__(self):
        return f"{self.key} at {self.number}"


def refresh_statistics():
    """Have the database measure its tables again, after content was added in bulk.

    Without statistics SQLite guesses that the ``status`` index narrows a query, when
    nearly every row is published: an item page's related items were then found by
    reading every row of their kind rather than through the link table's index, and
    took longer the more content there was. PostgreSQL would measure again in a while;
    this makes it at once.
    """
    connection = connections[router.db_for_write(ContentVersion)]
    if connection.vendor in ("sqlite", "postgresql"):
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def time_zone_choices():
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class EditorProfile(models.Model):
    """What each editor sets for themselves: the time zone they read and enter times in,
    the admin's language, and whether the workflow emails them."""

    DEFAULT_TIME_ZONE = "Asia/Kolkata"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="editor_profile"
    )
    time_zone = models.CharField(
        max_length=64,
        default=DEFAULT_TIME_ZONE,
        choices=time_zone_choices,
        help_text="Times in the admin and in emails are shown, and entered, in this zone.",
    )
    language = models.CharField(
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text="The language of the admin's own words for you (the content keeps its own).",
    )
    notifications = models.BooleanField(
        "email me",
        default=True,
        help_text="Emails when changes are submitted for review (to Publishers), sent back "
        "or published (to their authors).",
    )

    def __str__(self):
        return f"Profile of {self.user}"

    @property
    def zone(self):
        """The chosen time zone; UTC (which :func:`when` names) for one gone from the time
        zone database."""
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return datetime.UTC

    @classmethod
    def of(cls, user):
        """The user's profile, made with the defaults on first use."""
        profile = getattr(user, "_editor_profile", None)
        if profile is None:
            profile, _ = cls.objects.get_or_create(user=user)
            user._editor_profile = profile
        return profile


class ApiTokenQuerySet(models.QuerySet):
    def revocable_by(self, user):
        """A user's own tokens; every token, for a superuser."""
        return self if user.is_superuser else self.filter(user=user)


class ApiToken(AbstractAuthToken):
    """A staff user's key to the API, which they make, name and revoke on their profile.

    django-rest-knox keeps only a digest of the key (and its first characters, to find
    the row), so the key is shown once, when it is made, and a copy of the database holds
    nothing that opens the API. ``last_used`` is recorded to within
    :attr:`LAST_USE_PRECISION`, so a client's reads are not each a write.
    """

    #: How stale ``last_used`` may be before a request writes it again.
    LAST_USE_PRECISION = datetime.timedelta(minutes=5)

    name = models.CharField(
        max_length=100, help_text="What the token is for, such as “dashboard” or “my laptop”."
    )
    last_used = models.DateTimeField("last used", null=True, blank=True)

    #: knox's manager: ``create(user, expiry, name=…)`` returns the token and its key.
    objects = AuthTokenManager.from_queryset(ApiTokenQuerySet)()

    class Meta:
        verbose_name = "API token"
        ordering = ["-created"]

    def __str__(self):
        return f"{self.name} ({self.user})"

    @property
    def is_expired(self):
        return self.expiry is not None and self.expiry <= timezone.now()

    def use_is_recorded(self, now=None):
        """Whether ``last_used`` already says "now", to within LAST_USE_PRECISION."""
        now = now or timezone.now()
        return self.last_used is not None and self.last_used > now - self.LAST_USE_PRECISION

    def record_use(self, now=None):
        """Record that the token was used now. The UPDATE checks again that the recorded
        use is stale, so processes using the same token at once write it once between them."""
        now = now or timezone.now()
        type(self).objects.filter(pk=self.pk).filter(
            Q(last_used__isnull=True) | Q(last_used__lte=now - self.LAST_USE_PRECISION)
        ).update(last_used=now)
        self.last_used = now
