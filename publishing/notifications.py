"""The workflow's emails to editors, sent once what they tell of has committed.

* Submitted for review: the Publishers of that kind of item (whoever may publish it),
  not the one who submitted it.
* Sent back: the item's authors, with the Publisher's comment.
* Published: the item's authors, unless they published it themselves.

The *authors* are whoever made the content the event is about: who created, saved,
submitted, imported or reverted the item since the version the public last saw. Each
email names the item, links to its review screen, lists what changed against that public
version (as the review screen does) and gives each time in the recipient's own zone,
named. Only active staff with an email address and notifications on in their profile
(``/admin/profile/``) get them; each gets a message of their own, all through one
connection.

The receivers listen to :mod:`publishing.signals`, which the workflow sends for every
submission, send-back and publication it records, whatever the channel, after the
transaction commits (:func:`~publishing.workflow.announce_recorded`), so a save that
rolls back emails nobody. A mail server that fails is logged once and changes nothing: the change
has committed already.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator

from . import history, signals
from .models import Change, EditorProfile, Status, when

logger = logging.getLogger(__name__)

#: Recorded actions that make an item's content: whoever did them is one of its authors.
AUTHORING = (
    Change.Action.CREATED,
    Change.Action.SAVED,
    Change.Action.SUBMITTED,
    Change.Action.IMPORTED,
    Change.Action.REVERTED,
)
#: How many changed fields an email lists; the review screen shows them all.
FIELDS_SHOWN = 12
#: How much of each value an email shows.
VALUE_LENGTH = 200
#: Where the emails link to when SITE_URL is not set (``make run``'s address).
DEVELOPMENT_ADDRESS = "http://127.0.0.1:8000"


def connect():
    """Called once at start-up (``PublishingConfig.ready``)."""
    signals.submitted.connect(on_submitted, dispatch_uid="notify-submitted")
    signals.sent_back.connect(on_sent_back, dispatch_uid="notify-sent-back")
    signals.published.connect(on_published, dispatch_uid="notify-published")


def on_submitted(sender, item, change, user, **kwargs):
    publishers = get_user_model().objects.with_perm(
        f"{sender._meta.app_label}.publish_{sender._meta.model_name}",
        include_superusers=True,
        backend="django.contrib.auth.backends.ModelBackend",
    )
    notify("submitted", item, change, user, publishers)


def on_sent_back(sender, item, change, user, comment="", **kwargs):
    notify("sent_back", item, change, user, authors(item, change), comment=comment)


def on_published(sender, item, change, user, **kwargs):
    notify("published", item, change, user, authors(item, change))


def last_public_version(item, change):
    """The latest version before ``change`` that the public saw (None: never public)."""
    return (
        Change.filter_item(item)
        .filter(pk__lt=change.pk, status=Status.PUBLISHED, unpublished=False)
        .order_by("-pk")
        .first()
    )


def authors(item, change):
    """Who made the content ``change`` is about: see the module docstring."""
    public = last_public_version(item, change)
    made = Change.filter_item(item).filter(
        pk__gt=public.pk if public else 0, pk__lte=change.pk, action__in=AUTHORING
    )
    return get_user_model().objects.filter(
        pk__in=made.exclude(revision__user=None).values("revision__user")
    )


def what_changed(item, change):
    """``change``'s version against the one the public last saw, as the review screen
    compares them (the state is the email's subject, so it is left out)."""
    public = last_public_version(item, change)
    before = public.snapshot if public else {}
    differences = history.compare(before, change.snapshot, skip=("status",))
    for difference in differences:
        for key in ("old", "new"):
            difference[key] = Truncator(difference[key]).chars(VALUE_LENGTH)
    return public is None, differences


def name_of(item):
    """The item's name as its editors see it: with its unpublished changes, if any."""
    return str(history.working_copy(type(item)._base_manager.get(pk=item.pk)))


def recipients_of(users, actor):
    """``users`` who want these emails and can get them; never the one who acted."""
    users = (
        users.filter(is_active=True, is_staff=True)
        .exclude(email="")
        .exclude(editor_profile__notifications=False)
        .select_related("editor_profile")
        .order_by("pk")
    )
    return users.exclude(pk=actor.pk) if actor is not None else users


def zone_of(user):
    try:
        return user.editor_profile.zone
    except EditorProfile.DoesNotExist:
        return EditorProfile().zone


def site_address():
    return settings.SITE_URL or DEVELOPMENT_ADDRESS


def admin_address(item, view):
    opts = item._meta
    path = reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[item.pk])
    return site_address() + path


#: What an email's list of changes compares: (never public before, public before).
CHANGES_HEADINGS = {
    "submitted": (
        "It has never been public; what it holds",
        "What changed against the version the public sees",
    ),
    "sent_back": (
        "It has never been public; what it holds",
        "What changed against the version the public sees",
    ),
    "published": (
        "It is public for the first time; what it holds",
        "What changed against the version the public saw before",
    ),
}
SUBJECTS = {
    "submitted": "Review “{item}”: submitted by {actor}",
    "sent_back": "“{item}” is sent back to you by {actor}",
    "published": "“{item}” is published",
}


def notify(event, item, change, actor, users, comment=""):
    """Email each of ``users`` who wants it about ``event``; log, once, if that fails.
    The emails are in the site's language, whichever language the actor reads."""
    with translation.override(settings.LANGUAGE_CODE):
        send_notices(event, item, change, actor, users, comment)


def send_notices(event, item, change, actor, users, comment):
    try:
        recipients = list(recipients_of(users, actor))
        if not recipients:
            return
        new, differences = what_changed(item, change)
        context = {
            "item": name_of(item),
            "kind": item._meta.verbose_name,
            "actor": actor.get_username() if actor is not None else "the system",
            "comment": comment,
            "new": new,
            "changes_heading": CHANGES_HEADINGS[event][0 if new else 1],
            "differences": differences[:FIELDS_SHOWN],
            "more": max(len(differences) - FIELDS_SHOWN, 0),
            "review_url": admin_address(item, "review"),
            "profile_url": site_address() + reverse("editor-profile"),
            "site_name": settings.SITE_NAME,
        }
        subject = " ".join(f"[{settings.SITE_NAME}] {SUBJECTS[event].format(**context)}".split())
        messages = [
            message(event, subject, recipient, item, change, context) for recipient in recipients
        ]
        with get_connection() as connection:
            connection.send_messages(messages)
    except Exception:
        logger.exception(
            "The emails about “%s” (%s) were not all sent; the change itself is saved.",
            item,
            change.action,
        )


def message(event, subject, recipient, item, change, context):
    zone = zone_of(recipient)
    go_live = item.go_live_at if event == "published" else None
    context = {
        **context,
        "recipient": recipient.get_username(),
        "when": when(change.date, zone),
        "goes_live": when(go_live, zone) if go_live and go_live > timezone.now() else "",
    }
    email = EmailMultiAlternatives(
        subject,
        render_to_string(f"emails/{event}.txt", context),
        to=[recipient.email],
    )
    email.attach_alternative(render_to_string(f"emails/{event}.html", context), "text/html")
    return email
