"""The editorial workflow: every change to an item goes through :func:`edit`.

Whatever the channel (an admin form or action, the API, an import, a reload of
the source content), a change is made inside an edit session:

* On entry the item's unpublished changes, if it has any, are put in its rows,
  so the writes build on the working copy an editor sees, not on the live one.
* The channel makes its writes and calls :meth:`Edit.saved`.
* On exit the outcome is recorded as a version with who, when and what changed.
  Saving or submitting changes to a *live* item keeps them apart as a
  :class:`~publishing.models.Draft` (the rows go back to the live version, so the
  public sees nothing until a Publisher publishes); anything else stays in the
  rows. Publishing writes the public change log.

The rules of who may do what are checked here, once for every channel: only a
Publisher (the model's ``publish`` permission) publishes, unpublishes, schedules
or reverts. A ``user`` of None is the system itself (a management command).
"""

import contextlib
import enum
import logging
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.db.models import ProtectedError, RestrictedError
from django.db.models.deletion import Collector
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from reversion.models import Version

from . import dependencies, guard, history, merging, removals, signals
from .models import (
    Change,
    Draft,
    PublicChange,
    Publishable,
    ShareLink,
    Status,
    can_publish,
    when,
)

logger = logging.getLogger(__name__)


class Action(enum.StrEnum):
    SAVE = "save"
    SUBMIT = "submit"
    PUBLISH = "publish"
    UNPUBLISH = "unpublish"
    REVERT = "revert"


#: What each action needs beyond the model's change permission.
NEEDS_PUBLISHER = {Action.PUBLISH, Action.UNPUBLISH, Action.REVERT}


class StaleEdit(Exception):
    """The item changed after the editor (or script) read it: their write would undo that."""

    def __init__(self, item, changes):
        self.item = item
        self.changes = changes
        lines = history.who_changed_what(changes)
        super().__init__(
            gettext(
                "“%(item)s” was changed after you opened it, by %(who)s. "
                "Your version was not saved."
            )
            % {
                "item": item,
                "who": "; ".join(lines or [gettext("someone (the change was not recorded)")]),
            }
        )


class EditConflict(StaleEdit):
    """Both editors changed the same fields, each their own way: the save is refused, with
    both values of each field, for the editor to choose."""

    def __init__(self, item, changes, result, token):
        self.item = item
        self.changes = changes
        self.result = result
        #: The version the editor's next save builds on, having seen theirs.
        self.token = token
        self.conflicts = [
            {
                "field": key,
                "label": result.label(key),
                "theirs": result.shown(result.theirs, key),
                "mine": result.shown(result.mine, key),
            }
            for key in result.conflicts
        ]
        who = ", ".join(
            sorted(
                {
                    change.user.get_username() if change.user else gettext("someone")
                    for change in changes
                }
            )
        ) or gettext("someone")
        Exception.__init__(
            self,
            gettext(
                "“%(item)s” was changed after you opened it, by %(who)s, in the same fields as "
                "yours: %(fields)s. Your version was not saved."
            )
            % {
                "item": item,
                "who": who,
                "fields": ", ".join(entry["label"] for entry in self.conflicts),
            },
        )


def opened_change(item, token):
    """The recorded change holding the version of ``item`` that ``token`` names (the version
    a form was opened at), or None if there is none to merge from."""
    changes = Change.filter_item(item)
    if str(token) == "0":  # opened before any change: the version the first one kept
        return changes.filter(action=Change.Action.BASELINE).order_by("pk").first()
    return changes.filter(pk=int(token)).first() if str(token).isdigit() else None


def opened_version(item, token):
    """``item`` as the version ``token`` names held it (fields, links and parts, read from
    its history), or None if that version cannot be merged from (it is unknown, or was the
    item's deletion)."""
    if item is None or item.pk is None or token is None:
        return None
    base = opened_change(item, token)
    if base is None or base.action == Change.Action.DELETED:
        return None
    return history.WorkingCopy(base.revision, type(item), item.pk)


def set_state(item, **fields):
    """Change an item's state fields in place (no save signals run, so the keys the
    change touches are stamped here: what the public sees may change with the state)."""
    dependencies.state_set(item, **fields)
    type(item)._base_manager.filter(pk=item.pk).update(**fields)
    item.refresh_from_db()


#: Why each decision that only a Publisher may take is refused to others.
ONLY_PUBLISHERS = {
    "publish": _("Only a Publisher may publish items."),
    "unpublish": _("Only a Publisher may unpublish items."),
    "revert": _("Only a Publisher may revert items."),
    "schedule": _("Only a Publisher may schedule items."),
    "send back": _("Only a Publisher may send items back."),
    "discard": _("Only a Publisher may discard unpublished changes."),
}


def require_publisher(user, model, decision):
    if user is not None and not can_publish(user, model):
        raise PermissionDenied(ONLY_PUBLISHERS[decision])


class Edit:
    """One change to one item (or one new item) by one user, in one pass: read the version
    the change builds on, apply the change, compare, store. See the module docstring."""

    def __init__(self, model, pk, user, action=Action.SAVE, *, label=None, comment=""):
        self.model = model
        self.pk = pk
        self.user = user
        self.action = Action(action)
        self.label = label
        self.comment = comment
        self.item = None
        self.saved_item = None
        self.outcome = None
        self.change = None
        #: (token, base, theirs) while this edit merges with changes made since ``token``.
        self.merging = None
        #: Whose changes, to which fields, a merge kept: [(user name, [labels])].
        self.merged_with = []

    # Entering -------------------------------------------------------------

    def begin(self):
        """Read the version the change builds on: the item's working copy (its unpublished
        changes, if any), put in its rows so the channel's writes build on it."""
        self.start = transaction.savepoint()
        if self.pk is not None:
            self.item = self.model._base_manager.select_for_update().filter(pk=self.pk).first()
        item = self.item
        self.was_live = item is not None and item.is_live
        self.token = history.version_token(item)
        self.draft = (
            Draft.filter_item(item).select_related("change__revision").first() if item else None
        )
        copy = (
            history.WorkingCopy(self.draft.change.revision, self.model, item.pk)
            if self.draft is not None
            else None
        )
        self.before = history.describe(copy.item if copy else item) if item is not None else {}
        self.public_before = (
            history.describe(item, public=True) if self.may_go_public(item) else None
        )
        self.known_as = removals.identity(item) if self.public_before is not None else None
        if item is not None and self.token == "0":
            record_baseline(item, history.snapshot(item), self.before)
        self.savepoint = transaction.savepoint()
        if copy is not None:
            copy.restore(item)
        self.schedule_before = self.schedule(item)

    def may_go_public(self, item):
        """Whether this edit may change what the public sees of ``item`` now (a Publisher's,
        or the system's, edit of a public item): the change log then needs its before."""
        if item is None or not item.is_public:
            return False
        return self.user is None or can_publish(self.user, self.model)

    @staticmethod
    def schedule(item):
        return (item.go_live_at, item.expire_at) if item is not None else (None, None)

    @property
    def keeps_changes_apart(self):
        """Saving or submitting a live item: the changes wait as unpublished changes."""
        return self.was_live and self.action in (Action.SAVE, Action.SUBMIT)

    def check(self, token, merge=False):
        """Refuse the edit if the item changed since the version ``token`` names; or, with
        ``merge`` (a change to the content, not a decision about it), merge it with the
        changes made since, field by field, when it is saved (see :mod:`merging`)."""
        if self.item is None or token is None or str(token) == self.token:
            return
        base = opened_change(self.item, token)
        if not merge or base is None or base.action == Change.Action.DELETED:
            raise StaleEdit(self.item, history.changes_since(self.item, token))
        self.merging = (
            token,
            history.WorkingCopy(base.revision, self.model, self.item.pk),
            history.WorkingCopy.of_rows(self.item),
        )

    def saved(self, item):
        self.saved_item = item

    # Leaving --------------------------------------------------------------

    def finish(self):
        if self.saved_item is None:
            transaction.savepoint_rollback(self.start)
            return
        if self.action in NEEDS_PUBLISHER:
            require_publisher(self.user, self.model, self.action.value)
        item = self.model._base_manager.get(pk=self.saved_item.pk)
        if self.merging is not None:
            self.merge(item)
            item = self.model._base_manager.get(pk=item.pk)
        if self.schedule(item) != self.schedule_before:
            require_publisher(self.user, self.model, "schedule")
        apart = self.keeps_changes_apart
        status = Status.PUBLISHED if apart else self.status_after(item)
        if status == Status.PUBLISHED and not self.was_live:
            require_publisher(self.user, self.model, "publish")
        if apart:
            if item.status != status:
                set_state(item, status=status)
        else:
            set_state(item, status=status, updated=timezone.now())
        after = history.describe(item)
        differences = history.compare(self.before, after)
        if not differences and self.changes_nothing(apart):
            transaction.savepoint_rollback(self.start)
            self.outcome = "unchanged"
            self.item = item
            return
        versions = history.snapshot(item)
        if apart:
            transaction.savepoint_rollback(self.savepoint)
            history.reserve_primary_keys(versions)
        self.change = history.store(
            item,
            versions,
            user=self.user,
            action=self.label or self.recorded_action(status, apart),
            status=status,
            comment=self.comment,
            unpublished=apart,
            snapshot=after,
            changes=differences,
        )
        if apart:
            self.keep_draft()
        else:
            if self.draft is not None:
                self.draft.delete()
            if status == Status.PUBLISHED:
                record_public_change(item, self.public_before)
            removals.after_edit(item, self.known_as)
        self.outcome = self.outcome_of(status, apart)
        self.item = self.model._base_manager.get(pk=item.pk) if apart else item

    def merge(self, item, conflicts_allowed=False):
        """Keep what others changed since the editor's version in the fields the editor did
        not change; refuse, with both values, where both changed the same field (or, with
        ``conflicts_allowed``, keep the editor's value there: to show the merge)."""
        token, base, theirs = self.merging
        result = merging.merge(base, theirs, history.WorkingCopy.of_rows(item))
        since = history.changes_since(item, token)
        if result.conflicts and not conflicts_allowed:
            raise EditConflict(item, since, result, self.token)
        merging.keep_theirs(result, theirs, item)
        # A part's label names the part, which their change may have renamed.
        kept = {
            version[key].label
            for key in result.theirs_only
            for version in (result.base, result.theirs, result.mine)
            if key in version
        }
        for change in since:
            labels = [entry["label"] for entry in change.changes if entry["label"] in kept]
            if labels:
                who = change.user.get_username() if change.user else "someone"
                self.merged_with.append((who, labels))

    def show_merge(self):
        """Put the merge in the rows for a form to show (the editor's value where both
        changed a field), and keep nothing of it: the session then leaves unchanged."""
        self.merge(self.model._base_manager.get(pk=self.item.pk), conflicts_allowed=True)
        self.saved_item = None

    def status_after(self, item):
        return {
            Action.PUBLISH: Status.PUBLISHED,
            Action.UNPUBLISH: Status.DRAFT,
            Action.SUBMIT: Status.REVIEW,
        }.get(self.action, item.status)

    def changes_nothing(self, apart):
        """No field changed, and the action changes no state either (submitting unpublished
        changes that wait unsubmitted, or publishing them, does)."""
        if apart:
            return self.action == Action.SAVE or self.draft is None
        return self.item is not None and self.draft is None

    def recorded_action(self, status, apart):
        if apart:
            return Change.Action.SUBMITTED if self.action == Action.SUBMIT else Change.Action.SAVED
        return {
            Action.PUBLISH: Change.Action.PUBLISHED,
            Action.UNPUBLISH: Change.Action.UNPUBLISHED,
            Action.SUBMIT: Change.Action.SUBMITTED,
            Action.REVERT: Change.Action.REVERTED,
        }.get(self.action, Change.Action.SAVED if self.item is not None else Change.Action.CREATED)

    def keep_draft(self):
        """The working copy waits as unpublished changes (the public keeps the live rows)."""
        draft = self.draft or Draft(content_type=self.change.content_type, object_id=str(self.pk))
        draft.change = self.change
        if self.action == Action.SUBMIT:
            draft.in_review = True
            draft.submitted_by = self.user
            draft.submitted_at = self.change.date
        draft.save()

    def outcome_of(self, status, apart):
        if apart:
            return "submitted changes" if self.action == Action.SUBMIT else "unpublished changes"
        return {
            Status.PUBLISHED: "published",
            Status.REVIEW: "in review",
            Status.DRAFT: "draft",
        }[status]

    def merged_words(self):
        """ "merged with edna's change to Body" (or nothing, when nothing was merged)."""
        if not self.merged_with:
            return ""
        parts = [f"{who}'s change to {', '.join(labels)}" for who, labels in self.merged_with]
        return f"merged with {' and '.join(parts)}"

    def message(self):
        """What happened, for the person who made the change."""
        text = self.outcome_message()
        return f"{text[:-1]} ({self.merged_words()})." if self.merged_with else text

    def outcome_message(self):
        item = self.item
        return {
            "unchanged": gettext("Nothing changed in “%(item)s”."),
            "unpublished changes": gettext(
                "Your changes to “%(item)s” are saved as unpublished changes. The public still "
                "sees the live version until a Publisher publishes them."
            ),
            "submitted changes": gettext(
                "Your changes to “%(item)s” are submitted for review. The public still sees "
                "the live version until a Publisher publishes them."
            ),
            "published": gettext("“%(item)s” is published."),
            "in review": gettext("“%(item)s” is submitted for review."),
            "draft": gettext("“%(item)s” is saved as a draft."),
        }.get(self.outcome, gettext("“%(item)s” is saved.")) % {"item": item}


@contextmanager
def edit(model, pk, user, action=Action.SAVE, **options):
    """An :class:`Edit` of the item ``pk`` of ``model`` (None for a new item)."""
    session = Edit(model, pk, user, action, **options)
    with transaction.atomic(), guard.writing(model, pk):
        session.begin()
        yield session
        session.finish()


def announce(signal, item, change, user, **details):
    """Send ``signal`` once the transaction commits (never for a change rolled back); a
    receiver that fails is logged and leaves the change as it is."""

    def send():
        answers = signal.send_robust(type(item), item=item, change=change, user=user, **details)
        for receiver, answer in answers:
            if isinstance(answer, Exception):
                logger.error(
                    "%s failed after “%s” (%s): %s",
                    getattr(receiver, "__qualname__", receiver),
                    item,
                    change.action,
                    answer,
                )

    transaction.on_commit(send)


#: The recorded actions that are announced, and their signals.
ANNOUNCED = {
    Change.Action.SUBMITTED: signals.submitted,
    Change.Action.SENT_BACK: signals.sent_back,
    Change.Action.PUBLISHED: signals.published,
}


def announce_recorded(sender, instance, created, raw=False, **kwargs):
    """Announce each submission, send-back and publication as it is recorded.

    Every channel (the form, the review screen, bulk actions, the API, imports) records
    what it did as a :class:`Change`, so announcing from the record, rather than from
    each channel, leaves none of them out; and only once its transaction commits.
    """
    signal = ANNOUNCED.get(instance.action)
    if raw or not created or signal is None:
        return
    item = instance.content_type.model_class()._base_manager.filter(pk=instance.object_id).first()
    if item is not None:
        announce(signal, item, instance, instance.user, comment=instance.comment)


def record_public_change(item, public_before):
    """Add to the public change log what the public sees change, dated when they see it.

    ``public_before`` is the item as the public saw it before the change (None: they did
    not see it). Entries dated after now were never seen (a scheduled item corrected
    before it went live, or whose go-live moved): they are replaced by one entry from
    what the public saw to what they will see. Links to items the public cannot see are
    left out, and only a figure's own values are shown, never a linked item's name.
    """
    now = timezone.now()
    date = max(now, item.go_live_at) if item.go_live_at else now
    entries = PublicChange.filter_item(item)
    entries.filter(date__gt=now).delete()
    removals.schedule_expiry(item)
    after = history.describe(item, public=True)
    if public_before is None:
        kind, differences = PublicChange.Kind.ADDED, []
    else:
        kind = PublicChange.Kind.CHANGED
        differences = history.compare(public_before, after, skip=history.EDITORIAL_FIELDS)
        if not differences:
            return None
    shows_values = getattr(type(item), "change_log_values", False)
    return PublicChange.objects.create(
        content_type=history.content_type_of(item),
        object_id=str(item.pk),
        object_repr=str(item)[:300],
        kind=kind,
        date=date,
        fields=[difference["label"] for difference in differences],
        values=[
            {key: difference[key] for key in ("label", "old", "new")}
            for difference in differences
            if not history.is_link(type(item), difference["field"])
        ]
        if shows_values
        else [],
    )


# Operations that are not a save of the item ------------------------------------


def record_baseline(item, versions, described, status=None):
    """An item's first recorded change also records how it was before (``versions`` and
    ``described``, as ``history.snapshot`` and ``history.describe`` give them, and its
    ``status`` then, if no longer the item's), so it can be reverted to the content it had
    when it was loaded."""
    return history.store(
        item,
        versions,
        user=None,
        action=Change.Action.BASELINE,
        status=status or item.status,
        snapshot=described,
    )


def copy_versions(change):
    """The versions of an earlier change, to record a decision about that same content."""
    return [
        Version(
            content_type_id=version.content_type_id,
            object_id=version.object_id,
            db=version.db,
            format=version.format,
            serialized_data=version.serialized_data,
            object_repr=version.object_repr,
        )
        for version in change.revision.version_set.order_by("pk")
    ]


def refuse_if_stale(item, token):
    """Refuse a decision taken on a screen that showed an older version of ``item``."""
    if token is not None and str(token) != history.version_token(item):
        raise StaleEdit(item, history.changes_since(item, token))


@contextmanager
def deciding(item):
    """A decision about ``item`` other than a save (send back, discard, delete): its row
    is locked first, as an edit locks it, so the two never wait on each other crosswise."""
    with transaction.atomic(), guard.writing(type(item), item.pk):
        type(item)._base_manager.select_for_update().filter(pk=item.pk).first()
        yield


def send_back(item, user, comment, token=None):
    """A Publisher returns what awaits review to its editors, with a comment."""
    require_publisher(user, type(item), "send back")
    with deciding(item):
        refuse_if_stale(item, token)
        draft = Draft.filter_item(item).select_related("change").first()
        if draft is not None and draft.in_review:
            change = history.store(
                item,
                copy_versions(draft.change),
                user=user,
                action=Change.Action.SENT_BACK,
                status=item.status,
                comment=comment,
                unpublished=True,
                snapshot=draft.change.snapshot,
            )
            draft.change = change
            draft.in_review = False
            draft.save()
            return change
        if item.status != Status.REVIEW:
            raise ValidationError(gettext("“%(item)s” is not awaiting review.") % {"item": item})
        before = history.describe(item)
        set_state(item, status=Status.DRAFT)
        after = history.describe(item)
        change = history.store(
            item,
            history.snapshot(item),
            user=user,
            action=Change.Action.SENT_BACK,
            status=Status.DRAFT,
            comment=comment,
            snapshot=after,
            changes=history.compare(before, after),
        )
        return change


def discard(item, user, token=None):
    """Drop a live item's unpublished changes (they stay in its history, where only a
    Publisher can revert to them: so only a Publisher may drop them)."""
    require_publisher(user, type(item), "discard")
    with deciding(item):
        refuse_if_stale(item, token)
        draft = Draft.filter_item(item).select_related("change").first()
        if draft is None:
            raise ValidationError(
                gettext("“%(item)s” has no unpublished changes.") % {"item": item}
            )
        live = history.describe(item)
        change = history.store(
            item,
            history.snapshot(item),
            user=user,
            action=Change.Action.DISCARDED,
            status=item.status,
            snapshot=live,
            changes=history.compare(draft.change.snapshot, live),
        )
        draft.delete()
        return change


def mark_checked(item, user):
    """Record that ``user`` checked ``item`` against its sources now.

    The check is kept in the item's history (with who and when) but is not a change to its
    content: it writes ``last_checked`` alone, with ``update()`` (so no save signal bumps
    the content version and the page cache stays warm), adds no public change and no
    public version, and leaves unpublished changes waiting as they were. The version it
    records is the content the editor checked: the working copy, if there is one.
    """
    require_permission(
        user, item, "change", gettext("You may not mark “%(item)s” as checked.") % {"item": item}
    )
    with deciding(item):
        now = timezone.now()
        draft = Draft.filter_item(item).select_related("change__revision").first()
        checked = draft.change if draft else None
        if checked is None and history.version_token(item) == "0":
            checked = record_baseline(item, history.snapshot(item), history.describe(item))
        record_bookkeeping(item, last_checked=now)
        return history.store(
            item,
            copy_versions(checked) if checked else history.snapshot(item),
            user=user,
            action=Change.Action.CHECKED,
            status=item.status,
            unpublished=draft is not None,
            snapshot=checked.snapshot if checked else history.describe(item),
            date=now,
        )


def record_bookkeeping(item, **fields):
    """Write fields of ``item`` that no edit writes (its ``row_only_fields``, such as what a
    source's address answered), inside the workflow's scope so the guard lets them pass.

    Like :func:`mark_checked` it is not a change to the content: no version, no public
    change, and no bump of the content version (a caller whose write changes what readers
    see bumps it once itself).
    """
    unknown = set(fields) - set(getattr(type(item), "row_only_fields", ()))
    if unknown:
        raise ValueError(f"Not bookkeeping fields of {type(item).__name__}: {sorted(unknown)}")
    with deciding(item):
        type(item)._base_manager.filter(pk=item.pk).update(**fields)
    for name, value in fields.items():
        setattr(item, name, value)


def version_name(change):
    """An earlier version as editors find it in the history: its date and who made it."""
    who = change.user.get_username() if change.user else gettext("the system")
    return gettext("the version of %(when)s by %(who)s") % {"when": when(change.date), "who": who}


def revert(item, change, user, token=None):
    """Put back the content of an earlier version; the state and schedule stay as they are.

    Links to items deleted since are left out (the session's ``dropped`` lists them); a
    version whose required link is gone cannot be put back, and nothing is changed.
    """
    if change.content_type != history.content_type_of(item) or change.object_id != str(item.pk):
        raise ValidationError(gettext("That version belongs to another item."))
    require_publisher(user, type(item), "revert")
    copy = history.WorkingCopy(change.revision, type(item), item.pk)
    if copy.cannot_restore:
        raise ValidationError(
            gettext("%(version)s cannot be put back: it needs %(links)s. Nothing was changed.")
            % {
                "version": version_name(change).capitalize(),
                "links": "; ".join(str(link) for link in copy.cannot_restore),
            }
        )
    with translation.override(settings.LANGUAGE_CODE):
        # Recorded words are in the site's language, whichever the editor reads.
        comment = f"Reverted to {version_name(change)}"
    with edit(type(item), item.pk, user, Action.REVERT, comment=comment) as session:
        session.check(token)
        copy.restore(session.item, keep=history.EDITORIAL_FIELDS)
        session.saved(session.item)
    if session.change is not None:
        session.change.reverted_to = change
        session.change.save(update_fields=["reverted_to"])
    session.dropped = copy.missing
    return session


def delete(item, user):
    """Delete an item, keeping its last version in the history.

    What the deletion takes with it (an item's parts, a mineral's applications) is found
    as the database will find it; each item among them gets a "Deleted" version of its
    own, and the user needs the right to delete each. Items that still link to it (a
    source cited by a figure) stop the deletion, as a protected link does, naming them.
    """
    require_permission(
        user, item, "delete", gettext("You may not delete “%(item)s”.") % {"item": item}
    )
    holders = linking_items(item)
    collector = Collector(using=router.db_for_write(type(item)))
    try:
        collector.collect([item])
    except (ProtectedError, RestrictedError) as error:
        raise ProtectedError(
            gettext("“%(item)s” is still in use.") % {"item": item}, [*error.args[1], *holders]
        ) from error
    if holders:
        raise ProtectedError(
            gettext("“%(item)s” is still linked from other items.") % {"item": item}, holders
        )
    taken = [
        obj
        for objects in collector.data.values()
        for obj in objects
        if isinstance(obj, Publishable) and obj != item
    ]
    for obj in taken:
        require_permission(
            user,
            obj,
            "delete",
            gettext("You may not delete “%(item)s”, which goes with “%(whole)s”.")
            % {"item": obj, "whole": item},
        )
    with deciding(item), contextlib.ExitStack() as scopes:
        for obj in taken:
            scopes.enter_context(guard.writing(type(obj), obj.pk))
        for obj in [*taken, item]:
            history.store(
                obj,
                history.snapshot(obj),
                user=user,
                action=Change.Action.DELETED,
                status=obj.status,
                snapshot=history.describe(obj),
            )
            Draft.filter_item(obj).delete()
            ShareLink.filter_item(obj).delete()
            removals.before_delete(obj)
        item.delete()


def require_permission(user, item, action, message):
    opts = item._meta
    if user is not None and not user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}"):
        raise PermissionDenied(message)


def linking_items(item):
    """Other items that link to ``item`` through a many-to-many field of theirs."""
    holders = []
    for model in history.publishable_models():
        for field in model._meta.many_to_many:
            if isinstance(item, field.related_model):
                holders += model._base_manager.filter(**{field.name: item}).exclude(
                    pk=item.pk if model is type(item) else None
                )
    return holders


def state_in_words(item, names=True):
    """The item's state: its status, and any changes waiting (with who submitted them,
    for the admin; ``names=False`` for a preview banner that outsiders may read)."""
    draft = Draft.filter_item(item).select_related("submitted_by").first()
    words = item.publication_state
    if draft is not None:
        if draft.in_review and not names:
            words += gettext(", with changes in review")
        elif draft.in_review:
            who = draft.submitted_by.get_username() if draft.submitted_by else gettext("someone")
            words += gettext(", with changes in review (submitted by %(who)s, %(when)s)") % {
                "who": who,
                "when": when(draft.submitted_at),
            }
        else:
            words += gettext(", with unpublished changes")
    return words
