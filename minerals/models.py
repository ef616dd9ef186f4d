"""Critical minerals and the strategic sectors that depend on them.

This app builds on :mod:`initiatives` (sectors, initiatives, figures, sources);
``initiatives`` never imports it.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from initiatives.models import BODY_HELP, SUMMARY_HELP, Figure, Initiative, Sector, Sourced
from publishing.addresses import page_address
from publishing.translation import Translated, english, hindi


class Mineral(Translated, Sourced):
    class Group(models.TextChoices):
        RARE_EARTH = "rare-earth", _("Rare earth element")
        BATTERY = "battery", _("Battery mineral")
        SEMICONDUCTOR = "semiconductor", _("Semiconductor mineral")
        OTHER = "other", _("Other critical mineral")

    name = models.CharField(
        max_length=100, unique=True, help_text="The element's English name, such as Neodymium."
    )
    symbol = models.CharField(
        "chemical symbol",
        max_length=3,
        help_text="A capital letter and up to two small ones, such as Nd or Si.",
    )
    group = models.CharField(
        max_length=20,
        choices=Group.choices,
        db_index=True,
        help_text="The group readers filter by.",
    )
    summary = models.TextField(blank=True, help_text=SUMMARY_HELP)
    body = models.TextField(blank=True, help_text=BODY_HELP)
    name_hi = hindi("name", 200)
    summary_hi = hindi("summary")
    body_hi = hindi("body")

    translated_fields = ("name", "summary", "body")
    initiatives = models.ManyToManyField(
        Initiative,
        related_name="minerals",
        blank=True,
        help_text="Initiatives that address this mineral.",
    )
    figures = models.ManyToManyField(
        Figure, related_name="minerals", blank=True, help_text="Figures about this mineral."
    )

    #: Supply and market facts about a mineral move within months.
    review_days = 180

    class Meta(Sourced.Meta):
        verbose_name = _("mineral")
        verbose_name_plural = _("minerals")
        ordering = ["name"]

    def named(self, text):
        return f"{text(self, 'name')} ({self.symbol})"

    def get_absolute_url(self):
        return page_address("minerals:mineral-detail", self.slug)

    def reader_title(self):
        """The name and symbol, "Neodymium (Nd)", in the active language (current Hindi,
        else English), as the page's citations name it."""
        return self.reader_str()

    @property
    def is_rare_earth(self):
        return self.group == self.Group.RARE_EARTH

    def clean(self):
        errors = self.publication_errors()
        symbol = self.symbol or ""
        if not (symbol[:1].isupper() and symbol.isalpha() and symbol[1:] == symbol[1:].lower()):
            errors["symbol"] = "A chemical symbol is a capital letter and up to two small ones."
        if errors:
            raise ValidationError(errors)


class Application(Translated, Sourced):
    """A mineral's use in a sector: the link between a sector and the minerals it needs."""

    mineral = models.ForeignKey(
        Mineral,
        on_delete=models.CASCADE,
        related_name="applications",
        help_text="The mineral that is used.",
    )
    sector = models.ForeignKey(
        Sector,
        on_delete=models.PROTECT,
        related_name="applications",
        help_text="The sector that uses it.",
    )
    use = models.CharField(
        max_length=300, help_text='What the mineral does there: "high-performance magnets…".'
    )
    use_hi = hindi("use", 600)

    translated_fields = ("use",)

    #: An application is public only while its mineral and its sector are.
    public_through = ("mineral", "sector")

    class Meta(Sourced.Meta):
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["mineral__name", "sector__position", "sector__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["mineral", "sector"], name="unique_application_per_mineral_and_sector"
            )
        ]

    def named(self, text):
        """In English for str(); in the reader's language, its frame included, otherwise."""
        frame = (
            "%(mineral)s in %(sector)s: %(use)s"
            if text is english
            else gettext("%(mineral)s in %(sector)s: %(use)s")
        )
        return frame % {
            "mineral": text(self.mineral, "name"),
            "sector": text(self.sector, "name"),
            "use": text(self, "use"),
        }

    def get_absolute_url(self):
        return self.mineral.get_absolute_url() + f"#application-{self.slug}"
