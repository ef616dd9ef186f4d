"""The content model of the TRUST initiative and the partnerships around it.

Every public item is :class:`~publishing.models.Publishable`: it has a slug (its
natural key, so fixtures load idempotently), a publication state and window, and
created/updated times. What "published" means lives in the publishing layer alone.
"""

import calendar
import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from publishing.addresses import page_address
from publishing.guard import GuardedQuerySet
from publishing.models import Publishable, PublishableQuerySet
from publishing.translation import (
    HINDI_LABEL,
    Translated,
    for_reader,
    hindi,
    phrase_reading,
)

from .formatting import format_figure, format_partial_date

SUMMARY_HELP = "One or two plain sentences, shown in lists and search results. No Markdown."
BODY_HELP = (
    "The full text, in Markdown: a blank line between paragraphs, **bold**, [a link](https://…)."
)
ACRONYM_HELP = "The usual short form, such as iCET, if there is one."
POSITION_HELP = "Its place in lists: lower numbers come first (0 to 32767)."


class LinkStatus(models.TextChoices):
    """What a source's address answered when it was last checked (``check_sources``)."""

    OK = "ok", gettext_lazy("OK")
    MOVED = "moved", gettext_lazy("Moved (permanent redirect)")
    DEAD = "dead", gettext_lazy("Dead (4xx: not found, gone, refused)")
    ERROR = "error", gettext_lazy("Timeout or error (5xx, no answer)")


#: Statuses under which readers need the archived copy instead.
UNREACHABLE = (LinkStatus.DEAD, LinkStatus.ERROR)


class Source(Translated, Publishable):
    """A document that content is drawn from; every published item cites at least one."""

    title = models.CharField(max_length=300, help_text="The document's title, as it gives it.")
    publisher = models.CharField(
        max_length=200, blank=True, help_text="Who published it, such as a ministry or agency."
    )
    url = models.URLField(
        blank=True, help_text="Where the document can be read, starting with https://."
    )
    published_on = models.DateField(
        null=True, blank=True, help_text="When it was published (YYYY-MM-DD), if known."
    )
    description = models.TextField(
        blank=True, help_text="What the document is, in a sentence or two of plain text."
    )
    title_hi = models.CharField(
        f"title{HINDI_LABEL}",
        max_length=600,
        blank=True,
        help_text="The document's own title in Hindi, when it is a Hindi or bilingual "
        "document. Leave empty for a document in English only: the Hindi site then shows "
        "its English title, as it is cited.",
    )
    description_hi = hindi("description")
    archived_url = models.URLField(
        "archived address",
        blank=True,
        help_text=(
            "A copy of the document in a web archive (such as https://web.archive.org/…), "
            "shown to readers beside the address when that is dead."
        ),
    )
    link_status = models.CharField(
        "address status",
        max_length=10,
        choices=LinkStatus.choices,
        blank=True,
        editable=False,
        db_index=True,
        help_text="What the address answered when manage.py check_sources last asked.",
    )
    link_checked_at = models.DateTimeField("address checked", null=True, editable=False)
    final_url = models.URLField(
        "final address",
        max_length=2000,
        blank=True,
        editable=False,
        help_text="Where the address led, after its redirects.",
    )
    redirects = models.JSONField(
        default=list,
        blank=True,
        editable=False,
        help_text="Each redirect followed: [status, from, to].",
    )
    link_error = models.CharField(max_length=300, blank=True, editable=False)

    translated_fields = ("title", "description")
    optional_translations = ("title",)
    row_only_fields = (
        *Publishable.row_only_fields,
        "link_status",
        "link_checked_at",
        "final_url",
        "redirects",
        "link_error",
    )

    class Meta(Publishable.Meta):
        verbose_name = gettext_lazy("source")
        verbose_name_plural = gettext_lazy("sources")
        ordering = ["title"]

    def named(self, text):
        return text(self, "title")

    @classmethod
    def problems(cls):
        """Sources whose address was dead, moved or unreachable when last checked."""
        found = cls._base_manager.exclude(link_status__in=["", LinkStatus.OK])
        return [
            (source, source.link_report, source.link_checked_at)
            for source in found.order_by("link_checked_at", "pk")
        ]

    @property
    def link_report(self):
        """What the address answered when last checked, in words, for editors."""
        if self.link_status == LinkStatus.MOVED:
            return _("Address moved to %(address)s") % {"address": self.final_url}
        words = {"error": self.link_error}
        if self.link_status == LinkStatus.DEAD:
            if self.archived_url:
                return _("Address dead (%(error)s); archived copy given") % words
            return _("Address dead (%(error)s); no archived copy") % words
        if self.link_status == LinkStatus.ERROR:
            if self.archived_url:
                return _("Address unreachable (%(error)s); archived copy given") % words
            return _("Address unreachable (%(error)s); no archived copy") % words
        return self.get_link_status_display()

    @property
    def shows_archived_copy(self):
        """Readers get the archived address beside an address that is dead."""
        return bool(self.archived_url) and self.link_status in UNREACHABLE

    def get_absolute_url(self):
        return reverse("about") + f"#source-{self.slug}"


class Sourced(Publishable):
    sources = models.ManyToManyField(
        Source,
        related_name="%(app_label)s_%(class)s_items",
        blank=True,
        help_text="The documents this item is drawn from.",
    )

    class Meta(Publishable.Meta):
        abstract = True


class Sector(Translated, Sourced):
    """A strategic sector or cooperation area (AI, Semiconductors, Pharmaceuticals…)."""

    name = models.CharField(
        max_length=120, unique=True, help_text="The sector's name, such as Semiconductors."
    )
    summary = models.TextField(blank=True, help_text=SUMMARY_HELP)
    body = models.TextField(blank=True, help_text=BODY_HELP)
    name_hi = hindi("name", 240)
    summary_hi = hindi("summary")
    body_hi = hindi("body")

    translated_fields = ("name", "summary", "body")
    position = models.PositiveSmallIntegerField(default=0, help_text=POSITION_HELP)

    class Meta(Sourced.Meta):
        verbose_name = gettext_lazy("sector")
        verbose_name_plural = gettext_lazy("sectors")
        ordering = ["position", "name"]

    def named(self, text):
        return text(self, "name")

    def get_absolute_url(self):
        return page_address("initiatives:sector-detail", self.slug)

    def reader_title(self):
        """The sector page's title in the active language ("AI sector"), as citations name it."""
        return _("%(name)s sector") % {"name": for_reader(self, "name")}


class Country(Translated, Sourced):
    name = models.CharField(
        max_length=120, unique=True, help_text="The country's short name, such as India."
    )
    iso_code = models.CharField(
        "ISO 3166-1 alpha-2 code",
        max_length=2,
        unique=True,
        help_text="Two capital letters, such as IN or US.",
    )
    summary = models.TextField(blank=True, help_text=SUMMARY_HELP)
    name_hi = hindi("name", 240)
    summary_hi = hindi("summary")

    translated_fields = ("name", "summary")

    class Meta(Sourced.Meta):
        verbose_name = gettext_lazy("country")
        verbose_name_plural = gettext_lazy("countries")
        ordering = ["name"]

    def named(self, text):
        return text(self, "name")

    def clean(self):
        errors = self.publication_errors()
        if self.iso_code and not (self.iso_code.isalpha() and self.iso_code.isupper()):
            errors["iso_code"] = "Use two capital letters, such as IN or US."
        if errors:
            raise ValidationError(errors)


class Organization(Translated, Sourced):
    name = models.CharField(
        max_length=200, unique=True, help_text="The full name, such as Defense Innovation Unit."
    )
    acronym = models.CharField(max_length=30, blank=True, help_text=ACRONYM_HELP)
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        related_name="organizations",
        null=True,
        blank=True,
        help_text="The country that runs or leads it, if any.",
    )
    summary = models.TextField(blank=True, help_text=SUMMARY_HELP)
    name_hi = hindi("name", 400)
    summary_hi = hindi("summary")

    translated_fields = ("name", "summary")

    class Meta(Sourced.Meta):
        verbose_name = gettext_lazy("organization")
        verbose_name_plural = gettext_lazy("organizations")
        ordering = ["name"]

    def named(self, text):
        return f"{text(self, 'name')} ({self.acronym})" if self.acronym else text(self, "name")


class Initiative(Translated, Sourced):
    #: Initiatives gain partners, funds and milestones within months.
    review_days = 180
    name = models.CharField(
        max_length=200, unique=True, help_text="The full name, such as U.S.-India TRUST Initiative."
    )
    acronym = models.CharField(max_length=30, blank=True, help_text=ACRONYM_HELP)
    summary = models.TextField(help_text=SUMMARY_HELP)
    body = models.TextField(blank=True, help_text=BODY_HELP)
    name_hi = hindi("name", 400)
    summary_hi = hindi("summary")
    body_hi = hindi("body")

    translated_fields = ("name", "summary", "body")
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        related_name="children",
        null=True,
        blank=True,
        help_text="The initiative this one is part of, if any.",
    )
    launched_year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
        help_text="The year it began, four digits (1900 to 2100). Empty when the source does "
        "not say.",
    )
    sectors = models.ManyToManyField(
        Sector, related_name="initiatives", blank=True, help_text="The sectors it covers."
    )
    partners = models.ManyToManyField(
        Country, related_name="initiatives", blank=True, help_text="Partner countries."
    )
    organizations = models.ManyToManyField(
        Organization,
        related_name="initiatives",
        blank=True,
        help_text="Agencies, units and networks that take part.",
    )
    position = models.PositiveSmallIntegerField(default=0, help_text=POSITION_HELP)

    #: Its sections (with their points) are versioned, reviewed and reverted with it.
    versioned_parts = ("sections",)

    class Meta(Sourced.Meta):
        verbose_name = gettext_lazy("initiative")
        verbose_name_plural = gettext_lazy("initiatives")
        ordering = ["position", "name"]

    def named(self, text):
        return f"{text(self, 'name')} ({self.acronym})" if self.acronym else text(self, "name")

    def get_absolute_url(self):
        return page_address("initiatives:initiative-detail", self.slug)

    def reader_title(self):
        """The name in the active language (current Hindi, else English), as citations give it."""
        return for_reader(self, "name")

    def clean(self):
        errors = self.publication_errors()
        if self.parent_is_circular():
            errors["parent"] = "An initiative cannot be part of itself, directly or through others."
        if errors:
            raise ValidationError(errors)

    def parent_is_circular(self):
        """Whether following parents from here comes back to this initiative, or to any
        initiative twice (a cycle elsewhere, which must not hang the check)."""
        seen = {self.pk} if self.pk is not None else set()
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk in seen:
                return True
            seen.add(ancestor.pk)
            ancestor = ancestor.parent
        return False


class SectionQuerySet(GuardedQuerySet):
    def with_points(self):
        """Sections with their points, each in the order an initiative's page shows them,
        for prefetching into initiatives. The default orders sort by initiative (and
        section) first, which joins those tables for nothing when each initiative takes
        its own sections and each section its own points."""
        return self.order_by("position", "pk").prefetch_related(
            models.Prefetch("points", queryset=Point.objects.order_by("position", "pk"))
        )

    def get_by_natural_key(self, initiative_slug, slug):
        return self.get(initiative__slug=initiative_slug, slug=slug)


class Section(Translated):
    """An ordered, headed list of points in an initiative: its aims, a cooperation area…"""

    class Kind(models.TextChoices):
        AIMS = "aims", "Aims"
        FEATURE = "feature", "Key feature"
        SIGNIFICANCE = "significance", "Significance"
        OVERVIEW = "overview", "Overview"

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="sections")
    slug = models.SlugField(
        max_length=120,
        help_text="The section's anchor on the initiative's page: lower-case letters, digits "
        "and hyphens, unique within the initiative.",
    )
    kind = models.CharField(
        max_length=20,
        choices=Kind.choices,
        default=Kind.FEATURE,
        help_text="What the section is: the aims, a key feature, the significance, an overview.",
    )
    heading = models.CharField(max_length=200, help_text="The heading readers see.")
    heading_hi = hindi("heading", 400)

    translated_fields = ("heading",)
    position = models.PositiveSmallIntegerField(default=0, help_text=POSITION_HELP)

    objects = SectionQuerySet.as_manager()

    versioned_parts = ("points",)

    class Meta:
        verbose_name = gettext_lazy("section")
        verbose_name_plural = gettext_lazy("sections")
        ordering = ["initiative", "position", "pk"]
        base_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "slug"], name="unique_section_slug_per_initiative"
            )
        ]

    def named(self, text):
        return text(self, "heading")

    def natural_key(self):
        return (self.initiative.slug, self.slug)

    def set_points(self, texts, hindi_texts=None):
        """Make the section's points these texts, in order (blank lines dropped), with the
        Hindi of each from ``hindi_texts`` line by line (None: the Hindi stays as it is)."""
        texts = [text.strip() for text in texts if text.strip()]
        if hindi_texts is not None:
            hindi_texts = [text.strip() for text in hindi_texts if text.strip()]
        existing = {point.position: point for point in self.points.all()}
        for position, text in enumerate(texts, start=1):
            point = existing.pop(position, None) or Point(section=self, position=position)
            fields = {"text": text}
            if hindi_texts is not None:
                fields["text_hi"] = (hindi_texts[position - 1 : position] or [""])[0]
            changed = [name for name, value in fields.items() if getattr(point, name) != value]
            for name in changed:
                setattr(point, name, fields[name])
            if point.pk is None:
                point.save()
            elif changed:
                point.save(update_fields=changed)
        for point in existing.values():
            point.delete()

    natural_key.dependencies = ["initiatives.initiative"]


class PointQuerySet(GuardedQuerySet):
    def get_by_natural_key(self, initiative_slug, section_slug, position):
        return self.get(
            section__initiative__slug=initiative_slug,
            section__slug=section_slug,
            position=position,
        )


class Point(Translated):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="points")
    text = models.TextField(help_text="One point, in plain text.")
    text_hi = hindi("text")

    translated_fields = ("text",)
    position = models.PositiveSmallIntegerField(default=0, help_text=POSITION_HELP)

    objects = PointQuerySet.as_manager()

    #: In a history, a section's points read as a list of their texts.
    history_line = "text"

    class Meta:
        verbose_name = gettext_lazy("point")
        verbose_name_plural = gettext_lazy("points")
        ordering = ["section", "position", "pk"]
        base_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(
                fields=["section", "position"], name="unique_point_position_per_section"
            )
        ]

    def named(self, text):
        return text(self, "text")[:80]

    def natural_key(self):
        return (*self.section.natural_key(), self.position)

    natural_key.dependencies = ["initiatives.section"]


class MilestoneQuerySet(PublishableQuerySet):
    def chronological(self):
        return self.order_by(
            "year",
            models.F("month").asc(nulls_last=True),
            models.F("day").asc(nulls_last=True),
            "title",
        )


class Milestone(Translated, Sourced):
    """Something that happened or is expected, dated only as precisely as the source allows."""

    #: An expected milestone happens, slips or is dropped within months.
    review_days = 180

    class Precision(models.TextChoices):
        YEAR = "year", "Year"
        MONTH = "month", "Month"
        DAY = "day", "Day"

    title = models.CharField(max_length=200, help_text="What happened, in a short line.")
    description = models.TextField(
        blank=True, help_text="More about it, in a few plain sentences (optional)."
    )
    title_hi = hindi("title", 400)
    description_hi = hindi("description")
    year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
        help_text="Four digits, 1900 to 2100.",
    )
    month = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text="1 to 12, when the source gives the month; empty otherwise.",
    )
    day = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
        help_text="1 to 31, when the source gives the day; empty otherwise.",
    )
    precision = models.CharField(
        max_length=5,
        choices=Precision.choices,
        default=Precision.YEAR,
        help_text="How precisely the source dates it: a year needs only the year, a month "
        "also the month, a day all three.",
    )
    expected = models.BooleanField(
        default=False, help_text="Tick when the event is planned or expected, not yet happened."
    )
    date_qualifier = models.CharField(
        max_length=40, blank=True, help_text='Words before the date, such as "by the end of".'
    )
    date_qualifier_hi = hindi("date qualifier", 80)

    translated_fields = ("title", "description", "date_qualifier")
    initiative = models.ForeignKey(
        Initiative,
        on_delete=models.PROTECT,
        related_name="milestones",
        null=True,
        blank=True,
        help_text="The initiative it belongs to, if any.",
    )
    countries = models.ManyToManyField(
        Country, related_name="milestones", blank=True, help_text="The countries involved."
    )
    organizations = models.ManyToManyField(
        Organization,
        related_name="milestones",
        blank=True,
        help_text="The organizations involved.",
    )

    objects = MilestoneQuerySet.as_manager()

    class Meta(Sourced.Meta):
        verbose_name = gettext_lazy("milestone")
        verbose_name_plural = gettext_lazy("milestones")
        ordering = ["year", "month", "day", "title"]

    def named(self, text):
        return f"{self.display_date}: {text(self, 'title')}"

    def get_absolute_url(self):
        return page_address("initiatives:milestone-detail", self.slug)

    def reader_title(self):
        """The title in the active language (current Hindi, else English), as citations give it."""
        return for_reader(self, "title")

    def clean(self):
        errors = self.publication_errors()
        if self.precision == self.Precision.YEAR:
            if self.month is not None:
                errors["month"] = "A year-precision date has no month; clear it or choose Month."
            if self.day is not None:
                errors["day"] = "A year-precision date has no day; clear it or choose Day."
        elif self.precision == self.Precision.MONTH:
            if self.month is None:
                errors["month"] = "A month-precision date needs a month."
            if self.day is not None:
                errors["day"] = "A month-precision date has no day; clear it or choose Day."
        elif self.precision == self.Precision.DAY:
            if self.month is None:
                errors["month"] = "A day-precision date needs a month."
            if self.day is None:
                errors["day"] = "A day-precision date needs a day."
        date_errors = {"month", "day"} & errors.keys()
        if not date_errors and self.day is not None and self.month and self.year:
            last_day = calendar.monthrange(self.year, self.month)[1]
            if self.day > last_day:
                errors["day"] = (
                    f"{calendar.month_name[self.month]} {self.year} has {last_day} days."
                )
        if errors:
            raise ValidationError(errors)

    @property
    def date(self):
        """The first day the milestone could fall on, for sorting and feeds."""
        return datetime.date(self.year, self.month or 1, self.day or 1)

    @property
    def display_date(self):
        return self.display_date_reading()[0]

    def display_date_reading(self):
        """The date in the reader's language with its qualifier, and whether its Hindi
        qualifier had to be replaced by the English (see phrase_reading)."""
        return phrase_reading(
            self,
            "date_qualifier",
            lambda qualifier: format_partial_date(
                self.year, self.month, self.day, self.precision, qualifier
            ),
        )


class Figure(Translated, Sourced):
    """A key number, stored exactly, displayed the way the source gives it."""

    #: Numbers date fastest: a new fiscal year or report replaces them.
    review_days = 180

    class Unit(models.TextChoices):
        PERCENT = "percent", "Percent"
        INR = "INR", "Indian rupees"
        USD = "USD", "U.S. dollars"
        COUNT = "count", "Count"
        RANK = "rank", "Rank"

    label = models.CharField(max_length=200, help_text="What the number measures.")
    value = models.DecimalField(
        max_digits=20,
        decimal_places=4,
        validators=[MinValueValidator(0, message="A figure cannot be negative.")],
        help_text="The exact number in the unit below, digits only, with a point for "
        "decimals: 70 for 70%, 300000000000 for ₹30,000 crore, 20000000000 for $20 billion. "
        "The site writes it out as shown in the list.",
    )
    unit = models.CharField(
        max_length=10,
        choices=Unit.choices,
        help_text="What the value counts: a percentage (0 to 100), rupees or dollars (whole "
        "amounts, not crore or billions), a count or a rank (whole numbers).",
    )
    qualifier = models.CharField(
        max_length=40, blank=True, help_text='How exact the source is: "nearly", "approximately".'
    )
    period = models.CharField(
        max_length=40, blank=True, help_text="When it applies: FY24, 2023, January 2025."
    )
    notes = models.TextField(blank=True, help_text='Caveats such as "excluding lithium".')
    label_hi = hindi("label", 400)
    qualifier_hi = hindi("qualifier", 80)
    period_hi = hindi("period", 80)
    notes_hi = hindi("notes")

    translated_fields = ("label", "qualifier", "period", "notes")
    part_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        related_name="parts",
        null=True,
        blank=True,
        help_text="The total this figure is a part of (a budget line of a budget).",
    )
    initiative = models.ForeignKey(
        Initiative,
        on_delete=models.PROTECT,
        related_name="figures",
        null=True,
        blank=True,
        help_text="The initiative the figure is about, if any.",
    )
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        related_name="figures",
        null=True,
        blank=True,
        help_text="The country the figure is about, if any.",
    )
    sector = models.ForeignKey(
        Sector,
        on_delete=models.PROTECT,
        related_name="figures",
        null=True,
        blank=True,
        help_text="The sector the figure is about, if any.",
    )
    position = models.PositiveSmallIntegerField(default=0, help_text=POSITION_HELP)

    #: Histories show the value as readers see it; the public change log shows old and new.
    history_display = {"value": "display_value"}
    change_log_values = True

    class Meta(Sourced.Meta):
        verbose_name = gettext_lazy("figure")
        verbose_name_plural = gettext_lazy("figures")
        ordering = ["position", "label"]

    def named(self, text):
        return f"{text(self, 'label')}: {self.display_value}"

    def get_absolute_url(self):
        return page_address("initiatives:figure-detail", self.slug)

    def reader_title(self):
        """The label in the active language (current Hindi, else English), as citations give it."""
        return for_reader(self, "label")

    def clean(self):
        errors = self.publication_errors()
        if self.value is not None and self.value >= 0:
            if self.unit == self.Unit.PERCENT and self.value > 100:
                errors["value"] = "A percentage cannot be above 100."
            elif self.unit in (self.Unit.RANK, self.Unit.COUNT) and self.value != int(self.value):
                errors["value"] = "A rank or a count is a whole number."
            elif self.unit == self.Unit.RANK and self.value < 1:
                errors["value"] = "A rank starts at 1."
        if self.part_of_id is not None:
            if self.part_of_id == self.pk:
                errors["part_of"] = "A figure cannot be a part of itself."
            elif self.part_of.unit != self.unit:
                errors["part_of"] = "A part must be in the same unit as its total."
            elif self.value is not None and self.value > self.part_of.value:
                errors["value"] = "A part cannot be larger than its total."
        if errors:
            raise ValidationError(errors)

    @property
    def display_value(self):
        return self.display_value_reading()[0]

    def display_value_reading(self):
        """The value in the reader's language with its qualifier, and whether its Hindi
        qualifier had to be replaced by the English (see phrase_reading)."""
        return self.reading_of(self.value)

    def reading_of(self, value):
        """Any amount in this figure's unit, qualified as this figure is (a chart's
        "rest of the total")."""
        return phrase_reading(
            self, "qualifier", lambda qualifier: format_figure(value, self.unit, qualifier)
        )
