"""An Atom feed of the most recently updated published items, for readers who follow changes."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from initiatives.models import Figure, Initiative, Milestone, Sector, Source
from minerals.models import Application, Mineral
from publishing.feeds import in_english
from publishing.translation import reading
from trustsite.templatetags.content_tags import kind_name

FEED_LENGTH = 30


def recently_updated(limit=FEED_LENGTH):
    """The ``limit`` most recently updated items of every kind: one query per kind."""
    querysets = [
        Initiative.objects.published(),
        Sector.objects.published(),
        Mineral.objects.published(),
        Application.objects.published().select_related("mineral", "sector"),
        Milestone.objects.published(),
        Figure.objects.published(),
        Source.objects.published(),
    ]
    items = [item for qs in querysets for item in qs.order_by("-updated", "slug")[:limit]]
    items.sort(key=lambda item: item.updated, reverse=True)
    return items[:limit]


class UpdatesFeed(Feed):
    feed_type = Atom1Feed
    author_name = _("trustsite editors")
    title = _("trustsite: latest updates")
    subtitle = _(
        "Initiatives, sectors, minerals, key figures and milestones of the U.S.-India "
        "TRUST initiative, as they are added or corrected."
    )

    def link(self):
        return reverse("home")

    def items(self):
        return recently_updated()

    def item_title(self, item):
        return f"{kind_name(item._meta.model_name)}: {item.reader_str()}"

    def item_description(self, item):
        """The item's summary in the feed's language, as the text it is: an Atom summary
        is HTML to a feed reader, so editors' words are escaped, as every page escapes
        them. On the Hindi feed an English fallback is marked ``lang="en"``."""
        for name in ("summary", "description", "use", "notes"):
            text, status = reading(item, name)
            if text:
                return in_english(text) if status else escape(text)
        return escape(item.reader_str())

    def item_link(self, item):
        return item.get_absolute_url()

    def item_updateddate(self, item):
        return item.updated

    def item_pubdate(self, item):
        return item.created
