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

import enum
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from reversion.models import Version

from . import history
from .models import (
    Change,
    ContentVersion,
    Draft,
    PublicChange,
    ShareLink,
    Status,
    can_publish,
    when,
)


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
            f"“{item}” was changed after you opened it, by "
            + "; ".join(lines or ["someone (the change was not recorded)"])
            + ". Your version was not saved."
        )


def set_state(item, **fields):
    """Change an item's state fields in place (no save signals run, so the content
    version is bumped here: what the public sees may change with the state)."""
    type(item)._base_manager.filter(pk=item.pk).update(**fields)
    ContentVersion.bump()
    item.refresh_from_db()


def require_publisher(user, model, doing):
    if user is not None and not can_publish(user, model):
        raise PermissionDenied(f"Only a Publisher may {doing}.")


class Edit:
    """One change to one item (or one new item) by one user. See the module docstring."""

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

    # Entering -------------------------------------------------------------

    def begin(self):
        if self.pk is not None:
            self.item = self.model._base_manager.select_for_update().filter(pk=self.pk).first()
        self.was_live = self.item is not None and self.item.is_live
        self.live_before = history.describe(self.item) if self.was_live else None
        self.token = history.version_token(self.item)
        self.baseline = (
            history.snapshot(self.item) if self.item is not None and self.token == "0" else None
        )
        self.savepoint = transaction.savepoint()
        self.draft = (
            Draft.filter_item(self.item).select_related("change").first() if self.item else None
        )
        if self.draft is not None:
            history.restore(self.draft.change.revision, self.item)
        self.before = history.describe(self.item) if self.item is not None else {}
        self.schedule_before = self.schedule(self.item)

    @staticmethod
    def schedule(item):
        return (item.go_live_at, item.expire_at) if item is not None else (None, None)

    @property
    def keeps_changes_apart(self):
        """Saving or submitting a live item: the changes wait as unpublished changes."""
        return self.was_live and self.action in (Action.SAVE, Action.SUBMIT)

    def check(self, token):
        """Refuse the edit if the item changed since the version ``token`` names."""
        if self.item is not None and token is not None and str(token) != self.token:
            raise StaleEdit(self.item, history.changes_since(self.item, token))

    def saved(self, item):
        self.saved_item = item

    # Leaving --------------------------------------------------------------

    def finish(self):
        if self.saved_item is None:
            transaction.savepoint_rollback(self.savepoint)
            return
        if self.action in NEEDS_PUBLISHER:
            require_publisher(self.user, self.model, f"{self.action.value} items")
        item = self.model._base_manager.get(pk=self.saved_item.pk)
        if self.schedule(item) != self.schedule_before:
            require_publisher(self.user, self.model, "schedule items")
        if self.keeps_changes_apart:
            self.keep_apart(item)
        else:
            self.commit(item)

    def keep_apart(self, item):
        """Store the working copy as unpublished changes and put the live rows back.

        The working copy stays published: unpublishing is a Publisher's action of its own.
        """
        if item.status != Status.PUBLISHED:
            set_state(item, status=Status.PUBLISHED)
        after = history.describe(item)
        versions = history.snapshot(item)
        differences = history.compare(self.before, after)
        transaction.savepoint_rollback(self.savepoint)
        if not differences and (self.action == Action.SAVE or self.draft is None):
            self.outcome = "unchanged"
            self.item = item
            return
        self.record_baseline()
        history.reserve_primary_keys(versions)
        submitted = self.action == Action.SUBMIT
        self.change = history.store(
            item,
            versions,
            user=self.user,
            action=self.label or (Change.Action.SUBMITTED if submitted else Change.Action.SAVED),
            status=Status.PUBLISHED,
            comment=self.comment,
            unpublished=True,
            snapshot=after,
            changes=differences,
        )
        draft = self.draft or Draft(content_type=self.change.content_type, object_id=str(item.pk))
        draft.change = self.change
        if submitted:
            draft.in_review = True
            draft.submitted_by = self.user
            draft.submitted_at = self.change.date
        draft.save()
        self.outcome = "submitted changes" if submitted else "unpublished changes"
        self.item = item

    def commit(self, item):
        """Keep the writes in the rows, in the state the action asks for."""
        status = {
            Action.PUBLISH: Status.PUBLISHED,
            Action.UNPUBLISH: Status.DRAFT,
            Action.SUBMIT: Status.REVIEW,
        }.get(self.action, item.status)
        if status == Status.PUBLISHED and not self.was_live:
            require_publisher(self.user, self.model, "publish items")
        set_state(item, status=status, updated=timezone.now())
        after = history.describe(item)
        differences = history.compare(self.before, after)
        if self.item is not None and not differences and self.draft is None:
            transaction.savepoint_rollback(self.savepoint)
            self.outcome = "unchanged"
            self.item = item
            return
        self.record_baseline()
        action = self.label or {
            Action.PUBLISH: Change.Action.PUBLISHED,
            Action.UNPUBLISH: Change.Action.UNPUBLISHED,
            Action.SUBMIT: Change.Action.SUBMITTED,
            Action.REVERT: Change.Action.REVERTED,
        }.get(self.action, Change.Action.SAVED if self.item is not None else Change.Action.CREATED)
        self.change = history.store(
            item,
            history.snapshot(item),
            user=self.user,
            action=action,
            status=status,
            comment=self.comment,
            snapshot=after,
            changes=differences,
        )
        if self.draft is not None:
            self.draft.delete()
        if status == Status.PUBLISHED:
            record_public_change(item, self.live_before, after)
        self.outcome = {
            Status.PUBLISHED: "published",
            Status.REVIEW: "in review",
            Status.DRAFT: "draft",
        }[status]
        self.item = item

    def record_baseline(self):
        """An item's first recorded change also records how it was before, so it can be
        reverted to the content it had when it was loaded."""
        if self.baseline:
            history.store(
                self.item,
                self.baseline,
                user=None,
                action=Change.Action.BASELINE,
                status=self.item.status,
                snapshot=self.live_before or self.before,
            )

    def message(self):
        """What happened, for the person who made the change."""
        item = self.item
        return {
            "unchanged": f"Nothing changed in “{item}”.",
            "unpublished changes": (
                f"Your changes to “{item}” are saved as unpublished changes. The public still "
                "sees the live version until a Publisher publishes them."
            ),
            "submitted changes": (
                f"Your changes to “{item}” are submitted for review. The public still sees "
                "the live version until a Publisher publishes them."
            ),
            "published": f"“{item}” is published.",
            "in review": f"“{item}” is submitted for review.",
            "draft": f"“{item}” is saved as a draft.",
        }.get(self.outcome, f"“{item}” is saved.")


@contextmanager
def edit(model, pk, user, action=Action.SAVE, **options):
    """An :class:`Edit` of the item ``pk`` of ``model`` (None for a new item)."""
    session = Edit(model, pk, user, action, **options)
    with transaction.atomic():
        session.begin()
        yield session
        session.finish()


@contextmanager
def working_copy(item):
    """The item's rows hold its working copy inside the block; nothing is kept after it."""
    with transaction.atomic():
        draft = Draft.filter_item(item).select_related("change").first()
        if draft is not None:
            history.restore(draft.change.revision, item)
        yield draft
        transaction.set_rollback(True)
    if draft is not None:
        item.refresh_from_db()


def record_public_change(item, before, after):
    """Add to the public change log what the public sees change, dated when they see it."""
    now = timezone.now()
    date = max(now, item.go_live_at) if item.go_live_at else now
    if before is None:
        kind, differences = PublicChange.Kind.ADDED, []
    else:
        kind = PublicChange.Kind.CHANGED
        differences = history.compare(before, after, skip=history.EDITORIAL_FIELDS)
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
            {key: difference[key] for key in ("label", "old", "new")} for difference in differences
        ]
        if shows_values
        else [],
    )


# Operations that are not a save of the item ------------------------------------


def copy_versions(change):
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


@transaction.atomic
def refuse_if_stale(item, token):
    """Refuse a decision taken on a screen that showed an older version of ``item``."""
    if token is not None and str(token) != history.version_token(item):
        raise StaleEdit(item, history.changes_since(item, token))


def send_back(item, user, comment, token=None):
    """A Publisher returns what awaits review to its editors, with a comment."""
    require_publisher(user, type(item), "send items back")
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
        raise ValidationError(f"“{item}” is not awaiting review.")
    set_state(item, status=Status.DRAFT)
    return history.store(
        item,
        history.snapshot(item),
        user=user,
        action=Change.Action.SENT_BACK,
        status=Status.DRAFT,
        comment=comment,
        snapshot=history.describe(item),
        changes=history.compare({"status": ["Status", "In review"]}, history.describe(item)),
    )


@transaction.atomic
def discard(item, user, token=None):
    """Drop a live item's unpublished changes (they stay in its history, where only a
    Publisher can revert to them: so only a Publisher may drop them)."""
    require_publisher(user, type(item), "discard unpublished changes")
    refuse_if_stale(item, token)
    draft = Draft.filter_item(item).select_related("change").first()
    if draft is None:
        raise ValidationError(f"“{item}” has no unpublished changes.")
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


def revert(item, change, user):
    """Put back the content of an earlier version; the state and schedule stay as they are."""
    if change.content_type != history.content_type_of(item) or change.object_id != str(item.pk):
        raise ValidationError("That version belongs to another item.")
    with edit(
        type(item), item.pk, user, Action.REVERT, comment=f"Reverted to #{change.pk}"
    ) as session:
        history.restore(change.revision, session.item, keep=history.EDITORIAL_FIELDS)
        session.saved(session.item)
    session.change.reverted_to = change
    session.change.save(update_fields=["reverted_to"])
    return session


@transaction.atomic
def delete(item, user):
    """Delete an item, keeping its last version in the history."""
    if user is not None and not user.has_perm(
        f"{item._meta.app_label}.delete_{item._meta.model_name}"
    ):
        raise PermissionDenied("You may not delete this item.")
    history.store(
        item,
        history.snapshot(item),
        user=user,
        action=Change.Action.DELETED,
        status=item.status,
        snapshot=history.describe(item),
    )
    Draft.filter_item(item).delete()
    ShareLink.filter_item(item).delete()
    item.delete()


def state_in_words(item, names=True):
    """The item's state: its status, and any changes waiting (with who submitted them,
    for the admin; ``names=False`` for a preview banner that outsiders may read)."""
    draft = Draft.filter_item(item).select_related("submitted_by").first()
    words = item.publication_state
    if draft is not None:
        if draft.in_review and not names:
            words += ", with changes in review"
        elif draft.in_review:
            who = draft.submitted_by.get_username() if draft.submitted_by else "someone"
            words += f", with changes in review (submitted by {who}, {when(draft.submitted_at)})"
        else:
            words += ", with unpublished changes"
    return words
