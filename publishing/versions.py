"""Public versions of an item: one per public change, each readable at a permanent address.

A version is named by the moment its public change went live, in UTC to the minute
(``2026-11-26T02:03Z``); its address is the item's page followed by ``versions/<stamp>/``.
Citations, revision sheets and the data package name the current version by the same
stamp, so this module is the one place that says what a version's name and address are.
"""

from datetime import UTC

from django.utils import timezone

from .models import PublicChange

STAMP_FORMAT = "%Y-%m-%dT%H:%MZ"


def stamp(moment):
    """The name of the version that went live at ``moment``."""
    return moment.astimezone(UTC).strftime(STAMP_FORMAT)


def version_url(item, moment):
    """The permanent address of ``item``'s version that went live at ``moment``, in the
    active language."""
    return f"{item.get_absolute_url().partition('#')[0]}versions/{stamp(moment)}/"


def public_versions(item):
    """The item's public changes up to now, newest first: one per version."""
    return PublicChange.filter_item(item).filter(date__lte=timezone.now())


def current_version(item):
    """The public change that made the version readers see now, or None for an item the
    change log has never recorded."""
    return public_versions(item).first()
