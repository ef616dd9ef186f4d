"""One-page A4 revision sheets: an item's key facts as a PDF, made with WeasyPrint.

A sheet is a Django template rendered to HTML and laid out by WeasyPrint. It shows the
published content only: the view reads the item through the published queryset and
turns off any preview first, so neither a draft nor an item's unpublished changes ever
reach it, whoever asks. It names the version it shows (its date and permanent address,
from :mod:`publishing.versions`) and gives the address as a QR code.

The layout, and what WeasyPrint may read while it lays a sheet out, are
:mod:`publishing.pdf`'s: it is imported when a sheet is first made, so no process loads
WeasyPrint only to route its addresses.

Rendering takes a good part of a second, so the PDF's bytes are cached, keyed by the
item, the language, the release and the content's state (:func:`publishing.cache.content_state`):
an entry made before any change is simply never asked for again. Each entry keeps the
dependency keys of what the sheet was made from, and a sheet served from it records them
again (:func:`publishing.dependencies.record`), so the page cache that keeps the answer
knows which changes make it stale.
"""

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.views.generic import DetailView

from . import dependencies, preview
from .cache import content_state
from .versions import current_version, dated, page_url

#: How long a rendered sheet stays in the cache; its key changes with the content anyway.
CACHE_SECONDS = 60 * 60 * 24


class SheetView(DetailView):
    """An item's revision sheet (``…/sheet.pdf``). Each app's view names the item's
    published queryset (with what the sheet shows prefetched) and its template under
    ``templates/sheets/``, which extends ``sheets/base.html``.

    Never a preview: a ``?preview=`` the middleware honoured is turned off here, so the
    queryset gives the published items as the public sees them, and an unpublished item
    is a 404 for everyone.
    """

    #: What the sheet's file is called: the item's slug follows it.
    filename_prefix = "trustsite"

    def get(self, request, *args, **kwargs):
        preview.deactivate()
        state = getattr(request, "content_state", None) or content_state()
        model = self.get_queryset().model
        pk = (
            model.objects.published()
            .filter(slug=self.kwargs[self.slug_url_kwarg])
            .values_list("pk", flat=True)
            .first()
        )
        if pk is None:
            self.get_object()  # the 404 DetailView gives, with its message
        cache = caches[settings.PAGE_CACHE_ALIAS]
        key = ".".join(
            ["sheet", settings.RELEASE, model._meta.label_lower, str(pk), get_language(), state.key]
        )
        cached = cache.get(key)
        hit = cached is not None
        if hit:
            pdf, keys = cached
        else:
            with dependencies.collecting() as collected:
                self.object = self.get_object()
                pdf = self.render_sheet()
            keys = frozenset(collected.keys)
            cache.set(key, (pdf, keys), CACHE_SECONDS)
        dependencies.record(*keys)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(
            False, f"{self.filename_prefix}-{self.kwargs[self.slug_url_kwarg]}-{get_language()}.pdf"
        )
        response["X-Sheet-Cache"] = "hit" if hit else "miss"
        return response

    def render_sheet(self):
        context = self.get_context_data(object=self.object)

        def html(scale):
            return render_to_string(
                self.get_template_names(), {**context, "scale": scale}, request=self.request
            )

        from . import pdf  # WeasyPrint, loaded by the first sheet made, not at start-up

        return pdf.render_pdf(html)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        item = self.object
        version_date, version_address = dated(item, current_version(item))
        context.update(
            item=item,
            version_date=version_date,
            version_address=version_address,
            page_address=page_url(item),
        )
        return context
