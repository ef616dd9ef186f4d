"""The three ways an item leaves the public site, as a Publisher makes them through the
workflow, at times a test chooses: for the tests of what a removal leaves behind."""

import datetime

import time_machine
from django.utils import timezone

from publishing import workflow

#: How an item leaves the site: deleted, unpublished, or its expiry passing.
HOW = ("delete", "unpublish", "expire")
MINUTE = datetime.timedelta(minutes=1)
#: A version of the content before the removal, and the removal itself, on whole minutes
#: (versions are named to the minute) in the near future.
CHANGED_AT = (timezone.now() + datetime.timedelta(days=1)).replace(second=0, microsecond=0)
REMOVED_AT = CHANGED_AT + 10 * MINUTE


def publish(item, user, **fields):
    """``fields`` of ``item`` changed and published by ``user``."""
    with workflow.edit(type(item), item.pk, user, workflow.Action.PUBLISH) as session:
        for name, value in fields.items():
            setattr(session.item, name, value)
        session.item.save()
        session.saved(session.item)
    return session.item


def unpublish(item, user):
    with workflow.edit(type(item), item.pk, user, workflow.Action.UNPUBLISH) as session:
        session.saved(session.item)
    return session.item


def remove(how, item, user, at=REMOVED_AT):
    """``item`` leaves the site ``how`` at ``at``. Its expiry is set before that, by a
    Publisher's edit, and nothing is written at ``at`` itself."""
    if how == "expire":
        with time_machine.travel(at - 5 * MINUTE, tick=False):
            publish(item, user, expire_at=at)
        return
    with time_machine.travel(at, tick=False):
        if how == "delete":
            workflow.delete(item, user)
        else:
            unpublish(item, user)
