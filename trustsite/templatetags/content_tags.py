"""Content fields in the reader's language.

On the Hindi site a translated field shows its Hindi only while it is current. A
missing or outdated Hindi is never shown: the English is, marked ``lang="en"``, under
a short Hindi note that says so. The notes are written in Hindi here rather than in the
interface's catalog because only Hindi pages show them. English pages are unchanged.
"""

from django import template
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy

from publishing.history import label_of
from publishing.translation import (
    CURRENT,
    LANGUAGE,
    MISSING,
    Translated,
    field_statuses,
    for_reader,
    last_brought_up_to_date,
    reading,
)
from trustsite.markdown import render_markdown

register = template.Library()

NOTES = {
    MISSING: "यह भाग अभी हिंदी में उपलब्ध नहीं है, इसलिए अंग्रेज़ी में दिखाया गया है।",
    "outdated": "इस भाग का अंग्रेज़ी पाठ बदल गया है और इसका हिंदी अनुवाद अभी अद्यतन नहीं हुआ "
    "है, इसलिए अंग्रेज़ी में दिखाया गया है।",
}


#: What each kind of item is called, as the feeds and the change log name it.
KIND_NAMES = {
    "initiative": gettext_lazy("Initiative"),
    "sector": gettext_lazy("Sector"),
    "mineral": gettext_lazy("Mineral"),
    "application": gettext_lazy("Application"),
    "milestone": gettext_lazy("Milestone"),
    "figure": gettext_lazy("Figure"),
    "source": gettext_lazy("Source"),
    "country": gettext_lazy("Country"),
    "organization": gettext_lazy("Organization"),
}


@register.filter
def kind_name(model_name):
    """The name of a kind of item (by its model's name) in the reader's language."""
    return str(KIND_NAMES.get(model_name, model_name.capitalize()))


def in_hindi():
    return translation.get_language() == LANGUAGE


@register.filter
def hindi(item, name):
    """The field as plain text in the reader's language (for titles and attributes)."""
    return for_reader(item, name)


@register.simple_tag
def translated(item, name, markdown=False):
    """The field in the reader's language; on the Hindi site, the English with a note
    when its Hindi is missing or outdated. ``markdown=True`` for Markdown bodies."""
    text, status = reading(item, name)
    if markdown:
        body = render_markdown(text)
        if status is None:
            return body
        return format_html(
            '<div class="untranslated" lang="en"><p class="translation-note" lang="hi">{}</p>'
            "{}</div>",
            NOTES[status],
            body,
        )
    return marked(text, status)


def marked(text, status):
    """``text`` as it is when ``status`` is None, else marked as English with the note."""
    if status is None:
        return text
    return format_html(
        '<span class="untranslated" lang="en">{}</span> '
        '<small class="translation-note" lang="hi">({})</small>',
        text,
        NOTES[status],
    )


def name_reading(item):
    """``(name, status)``: the item's name as reader_str() gives it, and, when a field it
    is made of is shown in English on the Hindi site, why (as reading() says); else None.
    The one rule for an item's name wherever it is shown: pages, forms' options."""
    statuses = []

    def text(named_item, name):
        words, status = reading(named_item, name)
        statuses.append(status)
        return words

    name = item.named(text)
    return name, next((status for status in statuses if status), None)


@register.simple_tag
def reader_name(item):
    """An item's name as reader_str() gives it, marked like {% translated %} when a field
    it is made of is shown in English on the Hindi site (the change log, banners)."""
    if not isinstance(item, Translated):
        return format_html('<span lang="en">{}</span>', item) if in_hindi() else str(item)
    return marked(*name_reading(item))


def label_reading(model, label):
    """``(label, lang)``: a field's label as the history recorded it (English, as
    ``history.label_of`` writes it) in the reader's language. On the Hindi site that is
    the field's translated verbose_name when the field still exists and has one, else the
    recorded English, with ``lang`` "en" to say so."""
    if not in_hindi():
        return label, "en"
    fields = [*model._meta.concrete_fields, *model._meta.many_to_many] if model else []
    with translation.override("en"):
        field = next((field for field in fields if label_of(field) == label), None)
    if field is None:
        return label, "en"
    with translation.override("en"):
        english_name = str(field.verbose_name)
    if str(field.verbose_name) == english_name:
        return label, "en"
    return label_of(field), LANGUAGE


@register.simple_tag
def field_label(model, label):
    """A recorded field label for the reader (see label_reading): ``{text, lang}``."""
    text, lang = label_reading(model, label)
    return {"text": text, "lang": lang}


@register.simple_tag
def field_labels(model, labels):
    """Recorded field labels, comma-separated, each in Hindi where its field has a
    translated name on the Hindi site, else in English marked ``lang="en"``."""
    shown = []
    for label in labels:
        text, lang = label_reading(model, label)
        shown.append(format_html('<span lang="en">{}</span>', text) if lang == "en" else text)
    return format_html_join(", ", "{}", ((text,) for text in shown))


@register.simple_tag
def source_title(source):
    """A source's title as it is cited: on the Hindi site its own Hindi title when it has
    one, else the title the document gives, marked English."""
    text, status = reading(source, "title")
    if in_hindi() and status is None and not source.title_hi:
        return format_html('<span lang="en">{}</span>', text)
    return marked(text, status)


@register.simple_tag
def phrase(item, name):
    """A phrase made around a translated field, such as a figure's ``display_value`` or
    a milestone's ``display_date``, in the reader's language; in English, marked like
    {% translated %}, when its Hindi part is missing or outdated (the model's
    ``<name>_reading()`` says which)."""
    return marked(*getattr(item, f"{name}_reading")())


@register.inclusion_tag("includes/hindi_freshness.html")
def hindi_freshness(item):
    """On the Hindi site: when the page's Hindi was last brought up to date, or that
    parts of it are shown in English."""
    if not in_hindi() or not isinstance(item, Translated):
        return {"shown": False}
    english_parts = sum(1 for _, _, status in field_statuses(item) if status != CURRENT)
    return {
        "shown": True,
        "updated": None if english_parts else last_brought_up_to_date(item),
        "english_parts": english_parts,
    }


@register.simple_tag
def name_of(item):
    """An item's name as its ``str()`` writes it (with its acronym or chemical symbol),
    the name in the reader's language."""
    extra = getattr(item, "acronym", "") or getattr(item, "symbol", "")
    name = translated(item, "name")
    return format_html("{} ({})", name, extra) if extra else name
