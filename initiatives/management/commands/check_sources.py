"""Check every source's address and record what it answered: ``manage.py check_sources``.

Each address is asked once, a few at a time (``--workers``), each request bounded by
``--timeout``; redirects are followed and recorded (see :mod:`initiatives.links`). The
results are written through the workflow's bookkeeping write: not a change to the
content, so no version, no public change, and the page cache stays warm, except when
what readers see changes (an archived copy shown, or no longer shown, beside a source).
"""

from concurrent.futures import ThreadPoolExecutor, as_completed

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from initiatives.links import check_address
from initiatives.models import LinkStatus, Source
from publishing import purge
from publishing.models import ContentVersion
from publishing.workflow import record_bookkeeping


class Command(BaseCommand):
    help = (
        "Check each source's address (bounded time and concurrency, redirects followed "
        "and recorded) and record its status: ok, moved, dead or error."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--timeout",
            type=float,
            default=10.0,
            help="Seconds each request may wait for an answer (default 10).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=4,
            help="How many addresses are asked at once (default 4).",
        )

    def handle(self, *args, timeout, workers, **options):
        if timeout <= 0:
            raise CommandError("--timeout must be more than 0 seconds.")
        if workers < 1:
            raise CommandError("--workers must be at least 1.")
        sources = list(Source._base_manager.exclude(url="").order_by("pk"))
        counts = {status: 0 for status in LinkStatus.values}
        readers_see_change = False
        with ThreadPoolExecutor(max_workers=workers) as pool:
            asked = {pool.submit(check_address, source.url, timeout): source for source in sources}
            for future in as_completed(asked):
                source, result = asked[future], future.result()
                shown_before = source.shows_archived_copy
                record_bookkeeping(
                    source,
                    link_status=result.status,
                    link_checked_at=timezone.now(),
                    final_url=result.final_url[:2000],
                    redirects=result.redirects,
                    link_error=result.error[:300],
                )
                shown_now = source.shows_archived_copy
                readers_see_change |= source.is_public and shown_before != shown_now
                counts[result.status] += 1
                if result.status != LinkStatus.OK:
                    self.stdout.write(f"{source.title}: {source.link_report} ({source.url})")
        if readers_see_change:
            ContentVersion.bump()
            purge.wait()
        summary = ", ".join(f"{count} {status}" for status, count in counts.items())
        self.stdout.write(f"Checked {len(sources)} source addresses: {summary}.")
