"""Each event the site logs is one line on the console, never repeated by a second
handler or told again by a second logger."""

import re

from .servers import answers_of


def test_a_not_found_warning_is_one_line(served_database):
    result = answers_of(["/no-such-page/"], DATABASE_URL=served_database.url)

    assert result.answers["/no-such-page/"]["status"] == 404
    lines = [line for line in result.log.splitlines() if "/no-such-page/" in line]
    assert len(lines) == 1, result.log
    assert re.search(r" WARNING django\.request: Not Found: /no-such-page/$", lines[0]), lines


def test_a_failed_readiness_check_is_one_line_saying_what_failed(database_down):
    """/healthz logs nothing; the unready /readyz one line, not also django.request's."""
    assert database_down.answers["/readyz"]["status"] == 503
    lines = [
        line
        for line in database_down.log.splitlines()
        if any(word in line for word in ("readyz", "ready:", "Unavailable"))
    ]
    assert len(lines) == 1, database_down.log
    assert " WARNING trustsite.health: Not ready: " in lines[0]
    assert "'database': 'unavailable: OperationalError'" in lines[0], lines
