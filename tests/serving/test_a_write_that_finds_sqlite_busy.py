"""A write that waits out SQLite's busy timeout while another writer holds the lock is
told plainly that nothing of it was saved and to send it again soon; the log says the
database was busy, not unreachable; and sent again, it is saved once."""

import json
import sqlite3
import uuid

from .servers import serving

MINERAL = "/api/v1/minerals/gallium/"


def test_a_write_kept_waiting_for_the_lock_is_told_nothing_was_saved_and_to_retry(
    served_database,
):
    path = served_database.url.removeprefix("sqlite:///")
    summary = f"Gallium, saved once ({uuid.uuid4().hex[:6]})."
    with serving(
        1,
        DATABASE_URL=served_database.url,
        RELEASE=f"busy-test-{uuid.uuid4().hex[:8]}",
        SQLITE_BUSY_TIMEOUT="1",
    ) as (site,):
        other_writer = sqlite3.connect(path, isolation_level=None)
        try:
            other_writer.execute("BEGIN IMMEDIATE")
            status, headers, body = site.write(
                served_database.publisher_token, MINERAL, {"summary": summary}
            )
        finally:
            other_writer.execute("ROLLBACK")
            other_writer.close()

        assert status == 503, body
        assert headers["Retry-After"] == "5"
        assert headers["Cache-Control"] == "no-store"
        assert "nothing of this request was saved" in json.loads(body)["detail"]
        assert "database busy" in site.output()
        assert "database unreachable" not in site.output()
        assert summary not in site.get(MINERAL)[2]

        status, _, body = site.write(served_database.publisher_token, MINERAL, {"summary": summary})
        assert status == 200, body
        history = json.loads(
            site.request(
                "GET",
                MINERAL + "history/",
                headers={"Authorization": f"Token {served_database.publisher_token}"},
            )[2]
        )["results"]
        assert [summary in json.dumps(change) for change in history].count(True) == 1
