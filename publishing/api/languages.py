"""The language an API answer is in: ``?lang=`` if given, else ``Accept-Language``.

English is the default. In Hindi each translated field carries its Hindi while that is
current, and the English otherwise; ``hindi_translation`` says which (a field that is
not ``current`` was answered in English). Answers say ``Content-Language`` and vary on
``Accept-Language``.
"""

from django.utils.translation.trans_real import parse_accept_lang_header
from rest_framework.exceptions import ValidationError

from publishing.translation import LANGUAGE

DEFAULT = "en"
LANGUAGES = (DEFAULT, LANGUAGE)
PARAMETER = "lang"


def requested_language(request):
    """The language ``request`` (a DRF request) asks for; a ``?lang=`` the API does not
    speak is a 400 that names those it does."""
    asked = request.query_params.get(PARAMETER)
    if asked is not None:
        if asked not in LANGUAGES:
            raise ValidationError(
                {PARAMETER: [f"Ask for one of: {', '.join(LANGUAGES)} (not {asked[:20]!r})."]}
            )
        return asked
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        primary = code.lower().split("-")[0]
        if primary in LANGUAGES:
            return primary
    return DEFAULT


LANGUAGE_PARAMETERS = [
    {
        "name": PARAMETER,
        "in": "query",
        "required": False,
        "schema": {"type": "string", "enum": list(LANGUAGES)},
        "description": (
            "The language of the answer: `en` (the default) or `hi`. In Hindi each "
            "translated field carries its Hindi when it is current, else the English; "
            "`hindi_translation` says which. Overrides `Accept-Language`."
        ),
    },
    {
        "name": "Accept-Language",
        "in": "header",
        "required": False,
        "schema": {"type": "string"},
        "description": "`hi` for Hindi (as `?lang=hi`); anything else answers in English.",
    },
]

CONTENT_LANGUAGE_HEADER = {
    "Content-Language": {
        "schema": {"type": "string", "enum": list(LANGUAGES)},
        "description": "The language the answer is in.",
    }
}
