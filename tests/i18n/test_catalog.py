"""The Hindi catalog is complete: every interface string of the public site is in it, and
every message in it is translated (none missing, none fuzzy), and no Hindi page shows one
of its English messages."""

import shutil

import pytest
from babel.messages.pofile import read_po
from django.core.management import call_command
from django.test import override_settings

from tests.tools import PAGE_TYPES, ROOT, XGETTEXT, make_versions, require

from .conftest import visible_text

CATALOG = ROOT / "locale" / "hi" / "LC_MESSAGES" / "django.po"
SOURCES = ("trustsite", "publishing", "initiatives", "minerals", "templates")


def read_catalog(path=CATALOG):
    with path.open("rb") as source:
        return read_po(source)


def keys(catalog):
    return {(message.context, message.id) for message in catalog if message.id}


def translated(message):
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings)


def test_every_message_of_the_hindi_catalog_is_translated_and_none_is_fuzzy():
    catalog = read_catalog()
    messages = [message for message in catalog if message.id]
    assert len(messages) > 200
    untranslated = [message.id for message in messages if not translated(message)]
    fuzzy = [message.id for message in messages if message.fuzzy]
    assert (untranslated, fuzzy) == ([], [])
    assert not catalog.fuzzy, "the catalog's header is marked fuzzy: it would not compile"
    # Placeholders match (%(name)s in the English is in the Hindi), as msgfmt -c checks.
    problems = [(message.id, errors) for message, errors in catalog.check() if errors]
    assert problems == []


def test_every_interface_string_of_the_sources_is_in_the_catalog(tmp_path, monkeypatch):
    """makemessages over a copy of the sources, compared with the committed catalog: a
    string added to a template or a view without its translation fails here."""
    require(XGETTEXT)
    for folder in SOURCES:
        shutil.copytree(
            ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("static", "*.pyc")
        )
    (tmp_path / "locale").mkdir()
    monkeypatch.chdir(tmp_path)
    with override_settings(LOCALE_PATHS=[tmp_path / "locale"]):
        call_command("update_messages", verbosity=0)
    extracted = read_catalog(tmp_path / "locale" / "hi" / "LC_MESSAGES" / "django.po")
    missing = keys(extracted) - keys(read_catalog())
    assert missing == set(), f"{len(missing)} interface string(s) not in {CATALOG.name}"
    assert len(keys(extracted)) > 200


def english_messages():
    """The catalog's English messages a reader would spot: whole phrases of three words
    or more, without markup or placeholders. Phrases the English content also uses (a
    point on rare earth elements) are left out: the content is English until translated."""
    content = " ".join(
        (ROOT / "fixtures" / f"{name}.json").read_text() for name in ("initiatives", "minerals")
    )
    phrases = set()
    for message in read_catalog():
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        for text in ids:
            if len(text.split()) >= 3 and not {"%", "<"} & set(text) and text not in content:
                phrases.add(text)
    return phrases


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGE_TYPES, ids=lambda page: page.name)
def test_no_hindi_page_shows_an_english_interface_message(content, client, page):
    if page.versions:
        make_versions()
    response = client.get("/hi" + page.url)
    assert response.status_code == page.status
    text = visible_text(response)
    shown = sorted(phrase for phrase in english_messages() if phrase in text)
    assert shown == []
    # And its navigation is Hindi.
    assert "मुख्य सामग्री पर जाएँ" in text and "पहलें" in text
