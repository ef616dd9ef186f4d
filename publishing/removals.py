"""Items the public saw go: the change log's "removed" entries, and the answer at the
addresses they leave behind.

An item stops being public when it is deleted or unpublished, when a Publisher moves
its window so that it closes at once, or when its ``expire_at`` passes. Each is recorded
in the public change log (:class:`~publishing.models.PublicChange`, kind ``removed``)
with only what the public already knew: the item's name and address as they were while
it was public (never an unpublished change's), and when it went. An expiry is written
when the item's published version is recorded, dated at its ``expire_at``, as a
scheduled go-live is: the log shows it from that second, with no job to run, and the
caches count it at that second (:func:`publishing.cache.recent_moments`). An item the
public never saw gets no entry, so its address stays a plain 404.

While an item stays gone, its page and its dated versions answer 410 Gone with a page
that says when it went and links its entry in the change log (:func:`gone`), and the
API's detail answers 410 with a JSON message (:func:`api_exception_handler`).
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, OuterRef, Q, Subquery
from django.db.models.functions import Cast
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .addresses import site_url
from .models import PublicChange, Status, when

REMOVED = PublicChange.Kind.REMOVED


# Recording ------------------------------------------------------------------------


def identity(item):
    """What the public knows an item by: its name (in the site's language, as the change
    log records names) and its address's slug."""
    return str(item)[:300], item.slug


def unseen(item):
    """The item's change log entries dated after now: the public has not seen them."""
    return PublicChange.filter_item(item).filter(date__gt=timezone.now())


def record(item, known_as, date):
    """A removal of ``item``, known to the public as ``known_as`` (:func:`identity`)."""
    name, slug = known_as
    return PublicChange.objects.create(
        content_type=ContentType.objects.get_for_model(item),
        object_id=str(item.pk),
        object_repr=name,
        slug=slug,
        kind=REMOVED,
        date=date,
    )


def schedule_expiry(item):
    """Once a published version of ``item`` is recorded: its expiry, as an entry dated at
    its ``expire_at`` (the one written with an earlier version goes). None when it does
    not expire, or would expire before the public ever saw it."""
    unseen(item).filter(kind=REMOVED).delete()
    now = timezone.now()
    if item.status != Status.PUBLISHED or item.expire_at is None or item.expire_at <= now:
        return None
    if item.go_live_at is not None and item.go_live_at >= item.expire_at:
        return None
    return record(item, identity(item), item.expire_at)


def after_edit(item, known_as):
    """After an edit of ``item`` that was public as ``known_as`` (None: it was not public):
    if the public no longer sees it, its removal now. An item no longer published takes
    the entries it had scheduled (its go-live, its expiry) with it."""
    if item.status != Status.PUBLISHED:
        unseen(item).delete()
    if known_as is not None and not item.is_public:
        return record(item, known_as, timezone.now())
    return None


def before_delete(item):
    """``item`` is about to be deleted: its removal now if the public sees it, and the
    entries it had scheduled go."""
    unseen(item).delete()
    if item.is_public:
        return record(item, identity(item), timezone.now())
    return None


# Reading ----------------------------------------------------------------------------


def links_public(model):
    """The condition on ``model``'s rows that the items they must link to (its
    ``public_through``) are public now."""
    condition = Q()
    for name in model.public_through:
        condition &= model._meta.get_field(name).related_model.public_condition(f"{name}__")
    return condition


def shown_removal(model):
    """The condition on change log entries about ``model``'s items for the removals the
    public may read: each its item's latest entry up to now (an item back on the site
    shows all its entries as a public item's). An item that goes with the items it links
    (an application, with its mineral) shows its removal only while they are public: so
    one that expires after they went, never public since, is not named. Every lookup is
    on a column written once with the row (its kind, its item, its date), so an answer
    that reads one kind's entries stays fresh while another kind's change."""
    content_type = ContentType.objects.get_for_model(model)
    condition = Q(kind=REMOVED)
    if model.public_through:
        unlinked = (
            model._base_manager.exclude(links_public(model))
            .annotate(key=Cast("pk", CharField()))
            .values("key")
        )
        condition &= ~Q(object_id__in=unlinked)
    latest = (
        PublicChange.objects.filter(
            content_type=content_type, object_id=OuterRef("object_id"), date__lte=timezone.now()
        )
        .order_by("-date", "-pk")
        .values("id")[:1]
    )
    return condition & Q(pk=Subquery(latest))


def standing_removal(model, slug):
    """The removal that left ``model``'s address ``slug`` without its item, while it still
    does: None for an address no public item ever had, and for an item public again (by
    whatever address). Fails closed: only an entry written when the public saw the item
    go makes an address gone."""
    if not slug:
        return None
    entry = (
        PublicChange.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            kind=REMOVED,
            slug=slug,
            date__lte=timezone.now(),
        )
        .order_by("-date", "-pk")
        .first()
    )
    if entry is None or model.objects.published().filter(pk=entry.object_id).exists():
        return None
    if (
        model.public_through
        and model._base_manager.filter(pk=entry.object_id).exclude(links_public(model)).exists()
    ):
        return None
    return entry


def change_log_url(entry):
    """The address of ``entry`` on the public change log (on the page that lists it), or
    None when the log does not show it."""
    from .views import ChangeLogView, public_changes

    shown = public_changes()
    if not shown.filter(pk=entry.pk).exists():
        return None
    newer = shown.filter(Q(date__gt=entry.date) | Q(date=entry.date, pk__gt=entry.pk)).count()
    page = newer // ChangeLogView.paginate_by + 1
    query = f"?page={page}" if page > 1 else ""
    return f"{reverse('changes')}{query}#change-{entry.pk}"


def message(entry):
    """What the removal says in words, in the active language."""
    return _("“%(item)s” was removed from the site on %(when)s.") % {
        "item": entry.object_repr,
        "when": when(entry.date),
    }


def gone(request, entry):
    """The 410 Gone page for an address whose item the public saw go (``entry``)."""
    context = {
        "entry": entry,
        "kind": entry.content_type.model,
        "change_url": change_log_url(entry),
        "noindex": True,
    }
    return TemplateResponse(request, "publishing/gone.html", context, status=410)


def api_exception_handler(exc, context):
    """DRF's exception handler, except that an item's detail whose item the public saw go
    answers 410 Gone with when it went (and the change log's entry), not 404."""
    from rest_framework.response import Response
    from rest_framework.views import exception_handler

    response = exception_handler(exc, context)
    view = context.get("view")
    if response is None or response.status_code != 404 or view is None:
        return response
    queryset = getattr(view, "queryset", None)
    lookup = getattr(view, "lookup_url_kwarg", None) or getattr(view, "lookup_field", None)
    if queryset is None or lookup is None or getattr(view, "action", None) != "retrieve":
        return response
    entry = standing_removal(queryset.model, view.kwargs.get(lookup))
    if entry is None:
        return response
    data = {"detail": message(entry), "removed": entry.date.isoformat()}
    url = change_log_url(entry)
    if url is not None:
        data["change"] = site_url(context["request"]) + url
    return Response(data, status=410)
