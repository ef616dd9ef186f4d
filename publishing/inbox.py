"""The editors' inbox: every unfinished piece of work, grouped, for the review dashboard
and the admin's front page.

Work stalls where nobody sees it, so the inbox lists everything that waits on someone:
changes nobody submitted, changes submitted for review, what a Publisher sent back
(with the comment), what is scheduled to go live or expire, share links about to
expire, items overdue for a check against their sources (most overdue first) and
problems an item kind reports itself (a source whose address is dead or moved). Each
entry says who touched the item last and when. A user sees only the kinds
of item they may view.
"""

import dataclasses
import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .history import publishable_models
from .models import Change, Draft, ShareLink, Status, can_see_unpublished

#: Changes after which a "send back" comment no longer applies: the item was submitted
#: again, published, or its changes were discarded or replaced by a revert.
SETTLING_ACTIONS = (
    Change.Action.SUBMITTED,
    Change.Action.PUBLISHED,
    Change.Action.UNPUBLISHED,
    Change.Action.DISCARDED,
    Change.Action.REVERTED,
)
#: How soon a share link's expiry puts it in the inbox.
SHARE_LINK_NOTICE = datetime.timedelta(days=7)

GROUPS = {
    "unsubmitted": _("Unpublished changes nobody submitted"),
    "in_review": _("Submitted for review"),
    "sent_back": _("Sent back for changes"),
    "scheduled": _("Scheduled to go live or expire"),
    "share_links": _("Share links about to expire"),
    "overdue": _("Overdue for a check against sources"),
    "problems": _("Sources whose address is dead or moved"),
}
#: The groups whose entries are about a moment (``at``), listed by it.
DATED_GROUPS = ("scheduled", "share_links", "overdue", "problems")


@dataclasses.dataclass
class Entry:
    item: object
    what: str
    #: Who touched the item last, and when.
    who: object = None
    when: datetime.datetime | None = None
    #: The moment it is about (a go-live, an expiry), if not ``when``.
    at: datetime.datetime | None = None
    comment: str = ""
    url: str = ""

    @property
    def kind(self):
        return type(self.item)._meta.verbose_name


@dataclasses.dataclass
class Inbox:
    groups: dict

    @property
    def count(self):
        return sum(len(entries) for entries in self.groups.values())

    def sections(self):
        return [{"key": key, "title": GROUPS[key], "entries": self.groups[key]} for key in GROUPS]


def admin_url(item, view):
    opts = item._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[item.pk])


def latest_per_item(changes):
    """The newest change of each item among ``changes``, by object id."""
    latest = {}
    for change in changes.select_related("revision__user").order_by("-pk"):
        latest.setdefault(change.object_id, change)
    return latest


def inbox_for(user, now=None):
    """What awaits someone, among the items ``user`` may see."""
    now = now or timezone.now()
    groups = {key: [] for key in GROUPS}
    for model in publishable_models():
        if not can_see_unpublished(user, model):
            continue
        content_type = ContentType.objects.get_for_model(model)
        drafts = {
            draft.object_id: draft
            for draft in Draft.objects.filter(content_type=content_type).select_related(
                "submitted_by"
            )
        }
        waiting = model._base_manager.filter(
            Q(pk__in=list(drafts)) | Q(status__in=[Status.DRAFT, Status.REVIEW])
        )
        scheduled = model._base_manager.filter(status=Status.PUBLISHED).filter(
            Q(go_live_at__gt=now) | Q(expire_at__gt=now)
        )
        items = {str(item.pk): item for item in [*waiting, *scheduled]}
        of_items = Change.objects.filter(content_type=content_type, object_id__in=list(items))
        touched = latest_per_item(of_items.exclude(action=Change.Action.BASELINE))
        settled = latest_per_item(
            of_items.filter(action__in=[Change.Action.SENT_BACK, *SETTLING_ACTIONS])
        )
        for item in waiting:
            key = str(item.pk)
            last = touched.get(key)
            entry = Entry(
                item,
                what="",
                who=last.user if last else None,
                when=last.date if last else None,
                url=admin_url(item, "review"),
            )
            decision = settled.get(key)
            draft = drafts.get(key)
            if decision is not None and decision.action == Change.Action.SENT_BACK:
                entry.what = _("Sent back by %(name)s") % {"name": name_of(decision.user)}
                entry.comment = decision.comment
                entry.url = admin_url(item, "change")
                groups["sent_back"].append(entry)
            elif (draft is not None and draft.in_review) or item.status == Status.REVIEW:
                entry.what = _("Changes to a live item") if draft is not None else _("New item")
                if draft is not None and draft.submitted_by:
                    entry.who, entry.when = draft.submitted_by, draft.submitted_at
                groups["in_review"].append(entry)
            else:
                entry.what = _("Changes to a live item") if draft is not None else _("Draft")
                entry.url = admin_url(item, "change")
                groups["unsubmitted"].append(entry)
        for item in scheduled:
            last = touched.get(str(item.pk))
            for what, moment in ((_("Goes live"), item.go_live_at), (_("Expires"), item.expire_at)):
                if moment and moment > now:
                    groups["scheduled"].append(
                        Entry(
                            item,
                            what=what,
                            who=last.user if last else None,
                            when=last.date if last else None,
                            at=moment,
                            url=admin_url(item, "change"),
                        )
                    )
        for link in ShareLink.objects.filter(
            content_type=content_type,
            expires_at__gt=now,
            expires_at__lte=now + SHARE_LINK_NOTICE,
        ).select_related("created_by"):
            if link.item is not None:
                groups["share_links"].append(
                    Entry(
                        link.item,
                        what=_("Share link expires"),
                        who=link.created_by,
                        when=link.created,
                        at=link.expires_at,
                        url=admin_url(link.item, "review"),
                    )
                )
        groups["overdue"] += overdue_entries(model, content_type, now)
        groups["problems"] += [
            Entry(item, what=what, at=at, url=admin_url(item, "change"))
            for item, what, at in model.problems()
        ]
    for key, entries in groups.items():
        if key in DATED_GROUPS:
            entries.sort(key=lambda entry: entry.at or now)
        else:
            entries.sort(key=lambda entry: entry.when or now)
    return Inbox(groups)


def overdue_entries(model, content_type, now):
    """Items of ``model`` overdue for a check against their sources, each with who checked
    it last and when (``at``: when it fell due)."""
    overdue = list(model.objects.overdue(now))
    checks = latest_per_item(
        Change.objects.filter(
            content_type=content_type,
            object_id__in=[str(item.pk) for item in overdue],
            action=Change.Action.CHECKED,
        )
    )
    entries = []
    for item in overdue:
        check = checks.get(str(item.pk))
        entries.append(
            Entry(
                item,
                what=_("Due to be checked against its sources"),
                who=check.user if check else None,
                when=item.last_checked,
                at=item.due,
                url=admin_url(item, "change"),
            )
        )
    return entries


def name_of(user):
    return user.get_username() if user is not None else "the system"
