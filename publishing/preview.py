"""Previewing one unpublished item as if it were public, for one request.

While a preview is active, the public rule counts the previewed item as public,
and the item reads as its working copy wherever it is loaded from the database
(:meth:`Publishable.from_db <publishing.models.Publishable.from_db>` dresses it), so
every page (its own, the lists and the neighbours that link to it) shows it exactly
as it will look once published, with nothing written to its rows. The state lives
in a context variable that the preview middleware always resets, so it never
outlives its request.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from urllib.parse import urlencode

_previewed = ContextVar("previewed", default=None)


def previewed_pk(model):
    """The pk of the item of ``model`` being previewed, if any."""
    current = _previewed.get()
    if current is not None and current[0] == model._meta.concrete_model._meta.label_lower:
        return current[1]
    return None


def previewed_item():
    current = _previewed.get()
    return current[2] if current is not None else None


def dress(instance):
    """Make ``instance``, just loaded from the database, read as the previewed working copy
    if it is the previewed item (its links as the public will see them)."""
    current = _previewed.get()
    if current is None or current[3] is None or str(instance.pk) != str(current[1]):
        return
    if type(instance)._meta.concrete_model._meta.label_lower == current[0]:
        current[3].dress(instance, visible=lambda model: model.objects.published())


def activate(item, copy=None):
    """Preview ``item`` for the rest of this request (the middleware resets it); ``copy``
    is its working copy, when it has unpublished changes."""
    label = type(item)._meta.concrete_model._meta.label_lower
    return _previewed.set((label, item.pk, item, copy))


def deactivate(token=None):
    if token is not None:
        _previewed.reset(token)
    else:
        _previewed.set(None)


@contextmanager
def previewing(item, copy=None):
    token = activate(item, copy)
    try:
        yield
    finally:
        deactivate(token)


#: The query parameter that asks for a preview: ``?preview=minerals.mineral.12``.
PREVIEW_PARAMETER = "preview"


def preview_key(item):
    return f"{item._meta.label_lower}.{item.pk}"


def preview_url(item):
    """The item's public address, asking for its preview (for staff who may view it);
    None for kinds of item the site shows on no page of their own."""
    if not hasattr(item, "get_absolute_url"):
        return None
    path, _, anchor = item.get_absolute_url().partition("#")
    return f"{path}?{urlencode({PREVIEW_PARAMETER: preview_key(item)})}" + (
        f"#{anchor}" if anchor else ""
    )
