"""Public views of the publishing layer: share links, previews at public addresses, and
the public change log."""

from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db.models import CharField, Prefetch, Q, prefetch_related_objects
from django.db.models.functions import Cast
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import Resolver404, path, resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView

from . import fragments, history, preview, removals, versions
from .citations import citation_paths
from .middleware import show_preview
from .models import PublicChange, ShareLink, can_see_unpublished


class GoneMixin:
    """For the views at an item's addresses (``<slug>``): where the item is not found and
    the public saw it go, 410 Gone with the page that says so (:mod:`publishing.removals`)
    instead of the 404."""

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except Http404:
            entry = self.removal()
            if entry is None:
                raise
            return removals.gone(request, entry)

    def item_model(self):
        return self.get_queryset().model

    def removal(self):
        """The removal that left this address without its item, if it still does; at a
        version's address, only if it named one of the versions the public saw."""
        model = self.item_model()
        entry = removals.standing_removal(model, self.kwargs.get("slug"))
        version = self.kwargs.get("version")
        named = entry is None or version is None
        if named or versions.find(model(pk=entry.object_id), version) is not None:
            return entry
        return None


class PreviewableMixin(GoneMixin):
    """For detail views: staff who may view unpublished items see them at their public
    address, as a preview with a banner; everyone else gets the 404, or the 410 of an
    item the public saw go (:class:`GoneMixin`)."""

    def get_object(self, queryset=None):
        try:
            return super().get_object(queryset)
        except Http404:
            model = self.get_queryset().model
            slug = self.kwargs.get(self.slug_url_kwarg)
            item = model._base_manager.filter(slug=slug).first() if slug else None
            if item is None or not can_see_unpublished(self.request.user, model):
                raise
            preview.activate(item, history.WorkingCopy.of_draft(item))
            return super().get_object(self.get_queryset())


def share_link(request, token):
    """Someone without an account reads one item's preview while the link is valid."""
    link = ShareLink.objects.filter(token=token).first()
    item = link.item if link is not None else None
    if item is None:
        raise Http404("No preview is shared at this address.")
    if not link.is_valid:
        return render(request, "publishing/share_expired.html", {"link": link}, status=410)
    try:
        match = resolve(versions.page_url(item))
    except Resolver404 as error:
        raise Http404("This item has no page to preview.") from error
    request.share_link = link

    def item_page(request):
        return match.func(request, *match.args, **match.kwargs)

    return show_preview(request, item, item_page)


def public_changes(models=None):
    """The change log's entries the public may read: dated up to now, about items that
    are public now; of an item withdrawn, deleted or expired, only its removal (its
    other entries go with it: :func:`publishing.removals.shown_removal`). About the
    items of ``models`` alone when given, so that a change to another kind leaves the
    answer that reads them fresh."""
    condition = Q()
    for model in models or history.publishable_models():
        public_ids = model.objects.published().annotate(key=Cast("pk", CharField())).values("key")
        condition |= Q(content_type=ContentType.objects.get_for_model(model)) & (
            Q(object_id__in=public_ids) | removals.shown_removal(model)
        )
    return (
        PublicChange.objects.filter(date__lte=timezone.now())
        .filter(condition)
        .select_related("content_type")
        .prefetch_related(
            GenericPrefetch(
                "item",
                [model._base_manager.select_related() for model in history.publishable_models()],
            )
        )
    )


class ChangeLogView(ListView):
    """What changed on the site, newest first; optionally for one item. Each entry links
    to the version before it (:func:`publishing.versions.with_earlier`)."""

    template_name = "publishing/change_log.html"
    context_object_name = "entries"
    paginate_by = 50

    def get_queryset(self):
        entries = versions.with_earlier(public_changes())
        if "slug" in self.kwargs:
            self.item = self.get_item()
            entries = entries.filter(
                content_type=ContentType.objects.get_for_model(self.item),
                object_id=str(self.item.pk),
            )
        return entries

    def get_item(self):
        model = next(
            (
                model
                for model in history.publishable_models()
                if model._meta.model_name == self.kwargs["kind"]
            ),
            None,
        )
        if model is None:
            raise Http404("No such kind of item.")
        return get_object_or_404(model.objects.published(), slug=self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        item = getattr(self, "item", None)
        name = item.reader_str() if item else ""
        return super().get_context_data(
            item=item,
            page_title=_("Changes to %(item)s") % {"item": name} if item else _("Changes"),
            page_description=(
                _("What changed in %(item)s on the site, and when.") % {"item": name}
                if item
                else _(
                    "What was added to or changed on the site, newest first, with the old "
                    "and new values of key figures."
                )
            ),
            **kwargs,
        )


class PublicItemMixin(PreviewableMixin):
    """For an item's public page: previews for staff, and when its content last changed.

    A view whose template puts everything it shows of the item's neighbours and of its
    last change in ``{% fragment %}`` parts sets ``shares_parts``, and gives its queryset
    in two: ``item_queryset()`` (the item) and ``neighbours()`` (its prefetches). Where the
    page may share its parts (:mod:`publishing.fragments`), the item is read alone, and
    its neighbours and last change only if a part has to be rendered: a page whose parts
    are all reused reads one row, and builds no query for the rest."""

    shares_parts = False
    deferred_neighbours = False

    def parts_deferred(self):
        return self.shares_parts and fragments.usable(self.request)

    def get_object(self, queryset=None):
        if queryset is not None or not self.parts_deferred():
            return super().get_object(queryset)
        item = super().get_object(self.item_queryset())
        if self.parts_deferred():  # no preview began
            self.deferred_neighbours = True
        else:
            prefetch_related_objects([item], *self.neighbours())
        return item

    def get_last_change(self):
        """The public change that made the version the page shows: the current one."""
        return versions.current_version(self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        item = self.object
        if self.shares_parts:
            if self.deferred_neighbours:
                fragments.defer(
                    self.request,
                    context,
                    lambda: prefetch_related_objects([item], *self.neighbours()),
                )
            fragments.defer(self.request, context, lambda: {"last_change": self.get_last_change()})
        else:
            context["last_change"] = self.get_last_change()
        context["changes_url"] = reverse("item-changes", args=[item._meta.model_name, item.slug])
        return context


class VersionMixin:
    """An item page's dated version (``versions/<stamp>/``), mixed in before the item's
    own detail view: the same template and context, with the item as the public saw it
    when that version went live (see :mod:`publishing.versions`).

    404 for an item not public now (as the change log hides its entries) and for a name
    that matches none of its public changes. The page is marked ``noindex`` with the
    current page as its canonical address, and a banner names its date.
    """

    def get_object(self, queryset=None):
        fragments.bypass(self.request)  # the item as it was: no part of the live page fits
        model = self.get_queryset().model
        item = get_object_or_404(model.objects.published(), slug=self.kwargs["slug"])
        self.version = versions.find(item, self.kwargs["version"])
        if self.version is None:
            raise Http404("This item has no public version of that name.")
        self.current_url = item.get_absolute_url()
        self.earlier, self.later = versions.neighbours(self.version)
        self.urls = {
            "earlier": self.earlier and versions.version_url(item, self.earlier.date),
            "later": self.later and versions.version_url(item, self.later.date),
            "compare": self.later
            and versions.compare_url(item, self.version.date, self.later.date),
        }
        shown = versions.item_at(item, self.version, reverse=self.reverse_relations(model))
        shown.last_checked = versions.checked_while_current(item, self.version, self.later)
        return shown

    def reverse_relations(self, model):
        """The relations from other items the page lists (its view prefetches them)."""
        names = []
        for lookup in self.get_queryset()._prefetch_related_lookups:
            name = (lookup.prefetch_to if isinstance(lookup, Prefetch) else lookup).split("__")[0]
            field = model._meta.get_field(name)
            if (
                field.auto_created
                and not field.concrete
                and name not in history.part_relations(model)
            ):
                names.append(name)
        return names

    def get_last_change(self):
        """The change that made this version (the item page's current one is not read)."""
        return self.version

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            public_version=self.version,
            version_urls=self.urls,
            current_url=self.current_url,
            canonical_path=self.current_url,
            noindex=True,
        )
        return context


def version_view(detail_view):
    """The view of ``detail_view``'s item at one of its dated versions."""
    return type(f"{detail_view.__name__}Version", (VersionMixin, detail_view), {}).as_view()


class VersionCompareView(GoneMixin, TemplateView):
    """Two public versions of an item side by side, field by field (only the fields that
    differ), as the change log describes an item."""

    template_name = "publishing/version_compare.html"
    model = None

    def item_model(self):
        return self.model

    def get_context_data(self, **kwargs):
        item = get_object_or_404(self.model.objects.published(), slug=self.kwargs["slug"])
        older = versions.find(item, self.kwargs["version"])
        newer = versions.find(item, self.kwargs["other"])
        if older is None or newer is None:
            raise Http404("This item has no public version of that name.")
        rows = history.compare(
            versions.described(self.model._base_manager.get(pk=item.pk), older),
            versions.described(self.model._base_manager.get(pk=item.pk), newer),
            skip=history.EDITORIAL_FIELDS,
        )
        for row in rows:
            row["lang"] = "hi" if row["field"].endswith("_hi") else "en"
        return super().get_context_data(
            item=item,
            older=older,
            newer=newer,
            older_url=versions.version_url(item, older.date),
            newer_url=versions.version_url(item, newer.date),
            rows=rows,
            canonical_path=item.get_absolute_url(),
            noindex=True,
            **kwargs,
        )


def version_patterns(prefix, model, detail_view, name):
    """The addresses of an item page's versions and of their comparison, for an app's
    URLconf: ``<prefix>/<slug>/versions/<version>/`` and ``…/compare/<other>/``."""
    versions.VERSIONED_MODELS.add(model)
    return [
        path(
            f"{prefix}/<slug:slug>/versions/<str:version>/",
            version_view(detail_view),
            name=f"{name}-version",
        ),
        path(
            f"{prefix}/<slug:slug>/versions/<str:version>/compare/<str:other>/",
            VersionCompareView.as_view(model=model),
            name=f"{name}-versions-compare",
        ),
    ]


def item_paths(prefix, model, detail_view, name):
    """The addresses beside each of ``model``'s pages (``<prefix>/<slug>/``), for an app's
    URLconf: its citation files (:func:`publishing.citations.citation_paths`) and its
    versions (:func:`version_patterns`)."""
    return [
        *citation_paths(f"{prefix}/", model, name),
        *version_patterns(prefix, model, detail_view, name),
    ]
