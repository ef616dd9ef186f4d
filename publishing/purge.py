"""Purging shared caches (Varnish with xkey, or anything that speaks its request) by key.

After a change to content commits, the keys it stamped are sent to every address in
``settings.CACHE_PURGE_URLS``, as ``PURGE`` requests whose ``xkey-purge`` header lists
them (see deploy/varnish/default.vcl). One background thread per process sends them:
keys that arrive together go in one request per purger (a few hundred at most), and a
purger that fails is asked again with a growing pause, then logged. The editor's save
never waits for a purger, and never fails because of one.

Nothing is lost if a purger stays down: shared caches keep an answer at most
``s-maxage`` seconds (``EDGE_CACHE_SECONDS``).
"""

import http.client
import logging
import queue
import threading
import time
import urllib.parse

from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)

#: Keys in one request: a header of a few kilobytes, under Varnish's limits.
BATCH = 200
#: Pauses before the second, third… tries of one request.
BACKOFF = (0.1, 0.5, 2.0)
TIMEOUT = 5


def after_commit(keys, using=None):
    """Purge ``keys`` once the current transaction on ``using`` commits (at once outside
    one), with every other key the transaction touches: one batch per transaction."""
    if not settings.CACHE_PURGE_URLS:
        return
    for _savepoints, callback, _robust in transaction.get_connection(using).run_on_commit:
        if hasattr(callback, "purge_keys"):
            callback.purge_keys.update(keys)
            return

    def send():
        _purger().send(sorted(send.purge_keys))

    send.purge_keys = set(keys)
    transaction.on_commit(send, using=using)


def send_purge(url, keys):
    """One ``PURGE`` request naming ``keys`` at ``url``; raises unless it is answered 2xx."""
    parts = urllib.parse.urlsplit(url)
    connection_class = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    connection = connection_class(parts.hostname, parts.port, timeout=TIMEOUT)
    try:
        connection.request("PURGE", parts.path or "/", headers={"xkey-purge": " ".join(keys)})
        response = connection.getresponse()
        response.read()
        if not 200 <= response.status < 300:
            raise OSError(f"{url} answered {response.status} {response.reason}")
    finally:
        connection.close()


class Purger:
    """The process's purging thread and the keys waiting for it."""

    def __init__(self):
        self.waiting = queue.Queue()
        self.thread = threading.Thread(target=self.run, name="cache-purger", daemon=True)
        self.thread.start()

    def send(self, keys):
        self.waiting.put(keys)

    def run(self):
        while True:
            keys, taken = set(self.waiting.get()), 1
            while True:  # what else arrived meanwhile goes in the same requests
                try:
                    keys.update(self.waiting.get_nowait())
                    taken += 1
                except queue.Empty:
                    break
            ordered = sorted(keys)
            try:
                for url in settings.CACHE_PURGE_URLS:
                    for start in range(0, len(ordered), BATCH):
                        self.deliver(url, ordered[start : start + BATCH])
            finally:
                for _ in range(taken):
                    self.waiting.task_done()

    def deliver(self, url, keys):
        for attempt, pause in enumerate((0, *BACKOFF)):
            time.sleep(pause)
            try:
                send_purge(url, keys)
                return
            except (OSError, http.client.HTTPException) as error:
                failure = error
                logger.info(
                    "Purging %d keys at %s failed (try %d): %s", len(keys), url, attempt + 1, error
                )
        logger.error("Could not purge %d keys at %s: %s", len(keys), url, failure)

    def wait(self, seconds=10):
        """Until everything handed over so far was sent (for tests)."""
        deadline = time.monotonic() + seconds
        while self.waiting.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.01)
        return not self.waiting.unfinished_tasks


_lock = threading.Lock()
_instance = None


def _purger():
    global _instance
    with _lock:
        if _instance is None or not _instance.thread.is_alive():
            _instance = Purger()
        return _instance


def wait(seconds=10):
    """Until everything handed over so far was sent: a management command calls it before
    it exits, since the purging thread dies with the process."""
    return _instance.wait(seconds) if _instance is not None else True
