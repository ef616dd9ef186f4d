"""Publication states and windows: the one rule for what the public sees.

An item is public exactly when its ``status`` is published, its ``go_live_at``
is empty or past and its ``expire_at`` is empty or future. The rule is written
once, as a query condition (:meth:`Publishable.public_condition`) and beside it
for an item in hand (:attr:`Publishable.is_public`); pages, feeds, the sitemap,
search and the API all use :meth:`PublishableQuerySet.published`. The time is
read at each query, so a window opens or closes at its second with no job to run.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.dateformat import format as format_date

from . import preview


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


def when(moment):
    """A time as editors read it: 3 March 2026, 14:00 (the site's time zone)."""
    return format_date(timezone.localtime(moment), "j F Y, H:i")


class PublishableQuerySet(models.QuerySet):
    def published(self):
        """What the public sees now; the only definition of "published" on the site."""
        return self.filter(self.model.public_condition())

    def unpublished(self):
        return self.exclude(self.model.public_condition())

    def visible_to(self, user):
        """Everything for users who may view unpublished items; the public items for others."""
        if can_see_unpublished(user, self.model):
            return self.all()
        return self.published()

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


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

    objects = PublishableQuerySet.as_manager()

    #: Reverse relations whose rows are parts of the item (an initiative's sections):
    #: they are versioned, reviewed and reverted with it.
    parts = ()

    class Meta:
        abstract = True
        default_permissions = ("add", "change", "delete", "view", "publish")

    def natural_key(self):
        return (self.slug,)

    @classmethod
    def public_condition(cls, prefix=""):
        """The public rule as a query condition, for this model or one reached by ``prefix``."""
        now = timezone.now()
        condition = (
            Q(**{f"{prefix}status": Status.PUBLISHED})
            & (Q(**{f"{prefix}go_live_at__isnull": True}) | Q(**{f"{prefix}go_live_at__lte": now}))
            & (Q(**{f"{prefix}expire_at__isnull": True}) | Q(**{f"{prefix}expire_at__gt": now}))
        )
        previewed = preview.previewed_pk(cls)
        if previewed is not None:
            condition |= Q(**{f"{prefix}pk": previewed})
        return condition

    @property
    def is_public(self):
        """The public rule for this item in hand (see :meth:`public_condition`)."""
        if preview.previewed_pk(type(self)) == self.pk:
            return True
        now = timezone.now()
        return (
            self.status == Status.PUBLISHED
            and (self.go_live_at is None or self.go_live_at <= now)
            and (self.expire_at is None or self.expire_at > now)
        )

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
            return f"Scheduled to go live {when(self.go_live_at)}"
        if self.expire_at and self.expire_at <= now:
            return f"Expired {when(self.expire_at)}"
        return "Published"

    def publication_errors(self):
        """Errors in the publication window, for a model's ``clean`` to report with its own."""
        if self.go_live_at and self.expire_at and self.expire_at <= self.go_live_at:
            return {"expire_at": "An item must expire after it goes live."}
        return {}

    def clean(self):
        errors = self.publication_errors()
        if errors:
            raise ValidationError(errors)
