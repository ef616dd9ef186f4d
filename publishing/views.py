"""Public views of the publishing layer: share links, and previews at public addresses."""

from django.http import Http404
from django.shortcuts import render
from django.urls import Resolver404, resolve

from . import preview
from .middleware import show_preview
from .models import ShareLink, can_see_unpublished


class PreviewableMixin:
    """For detail views: staff who may view unpublished items see them at their public
    address, as a preview with a banner; everyone else gets the 404."""

    def get_object(self, queryset=None):
        try:
            return super().get_object(queryset)
        except Http404:
            model = self.get_queryset().model
            slug = self.kwargs.get(self.slug_url_kwarg)
            item = model._base_manager.filter(slug=slug).first() if slug else None
            if item is None or not can_see_unpublished(self.request.user, model):
                raise
            preview.activate(item)
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
        match = resolve(item.get_absolute_url().partition("#")[0])
    except Resolver404 as error:
        raise Http404("This item has no page to preview.") from error
    request.share_link = link

    def item_page(request):
        return match.func(request, *match.args, **match.kwargs)

    return show_preview(request, item, item_page)
