"""An Atom feed of the public change log."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape, format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .translation import LANGUAGE, Translated
from .views import public_changes

FEED_LENGTH = 50


def in_english(text):
    """English words in a feed's HTML summary: marked ``lang="en"`` in a Hindi feed."""
    if translation.get_language() == LANGUAGE:
        return format_html('<span lang="en">{}</span>', text)
    return escape(text)


def named(entry):
    """The changed item as the feed's language names it (as recorded, once it is gone: a
    removal names it as the public knew it, never by an unpublished change's words)."""
    item = entry.item
    if entry.kind == entry.Kind.REMOVED or not isinstance(item, Translated):
        return entry.object_repr
    return item.reader_str()


class ChangesFeed(Feed):
    feed_type = Atom1Feed
    title = gettext_lazy("trustsite: changes to the content")
    subtitle = gettext_lazy(
        "What was added to or changed on trustsite, newest first, with old and new figures."
    )
    author_name = gettext_lazy("trustsite editors")

    def link(self):
        return reverse("changes")

    def items(self):
        return public_changes()[:FEED_LENGTH]

    def item_title(self, entry):
        return f"{entry.get_kind_display()}: {named(entry)}"

    def item_description(self, entry):
        """What changed, as text: an Atom summary is HTML to a feed reader, so editors'
        words are escaped. The fields and values are recorded in English when the change
        goes live; the Hindi feed marks them ``lang="en"``, as the change log does."""
        if entry.kind == entry.Kind.ADDED:
            return escape(_("%(item)s was added.") % {"item": named(entry)})
        if entry.kind == entry.Kind.REMOVED:
            return escape(_("%(item)s was removed from the site.")) % {
                "item": in_english(named(entry))
            }
        lines = [f"{value['label']}: {value['old']} → {value['new']}" for value in entry.values]
        if lines:
            return in_english("; ".join(lines))
        return escape(_("Changed: %(fields)s.")) % {"fields": in_english(", ".join(entry.fields))}

    def item_link(self, entry):
        """The item's page; the change log's entry for a removal (its page is gone)."""
        if entry.kind != entry.Kind.REMOVED and hasattr(entry.item, "get_absolute_url"):
            return entry.item.get_absolute_url()
        return f"{reverse('changes')}#change-{entry.pk}"

    def item_guid(self, entry):
        return f"{reverse('changes')}#change-{entry.pk}"

    item_guid_is_permalink = False

    def item_updateddate(self, entry):
        return entry.date

    def item_pubdate(self, entry):
        return entry.date
