"""One-page A4 revision sheets: an item's key facts as a PDF, made with WeasyPrint.

A sheet is a Django template rendered to HTML and laid out by WeasyPrint. It shows the
published content only: the view reads the item through the published queryset and
turns off any preview first, so neither a draft nor an item's unpublished changes ever
reach it, whoever asks. It names the version it shows (its date and permanent address,
from :mod:`publishing.versions`) and gives the address as a QR code.

WeasyPrint asks a URL fetcher for every stylesheet, font and image. The sheet's fetcher
(:class:`StaticFilesFetcher`) serves the site's own static files, found as
``collectstatic`` finds them, and refuses everything else: no ``file://``, no ``data:``,
no request to any host. The HTML's base address is a name that cannot resolve
(``.invalid``), so a relative link can only ever mean a static file.

Rendering takes a good part of a second, so the PDF's bytes are cached, keyed by the
item, the language, the release and the content's state (:func:`publishing.cache.content_state`):
an entry made before any change is simply never asked for again. Each entry keeps the
dependency keys of what the sheet was made from, and a sheet served from it records them
again (:func:`publishing.dependencies.record`), so the page cache that keeps the answer
knows which changes make it stale.
"""

import functools
import io
import logging
import mimetypes
import posixpath
from urllib.parse import unquote, urlsplit

import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import caches
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.views.generic import DetailView
from fontTools.ttLib import woff2

from . import dependencies, preview
from .cache import content_state
from .versions import current_version, version_url

logger = logging.getLogger(__name__)

#: The base address of a sheet's HTML: ``.invalid`` never resolves (RFC 2606), and the
#: fetcher answers for nothing else, so no address in a sheet reaches the network.
SHEET_ORIGIN = "https://sheet.invalid"
#: Font sizes (percent of the template's own) tried in turn until the sheet fits one page.
SCALES = (100, 90, 80, 70)
#: How long a rendered sheet stays in the cache; its key changes with the content anyway.
CACHE_SECONDS = 60 * 60 * 24


class RefusedAddress(ValueError):
    """The sheet asked for something other than one of the site's static files."""


class StaticFilesFetcher(weasyprint.URLFetcher):
    """Gives WeasyPrint the site's static files and nothing else.

    An address is served only when it is ``SHEET_ORIGIN`` followed by ``STATIC_URL`` and
    the name of a static file: where the static files finders find it, or else from the
    collected files (production's hashed names). Every other address,
    whatever its scheme or host, raises :class:`RefusedAddress` before any I/O.
    ``requested`` lists every address asked for, served or not.
    """

    def __init__(self):
        super().__init__(allowed_protocols=())
        self.requested = []

    def fetch(self, url, headers=None):
        self.requested.append(url)
        name = self.static_name(url)
        body = self.read_static(name)
        if body.startswith(b"wOF2"):
            body = decompressed_font(body)
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return weasyprint.urls.URLFetcherResponse(
            url, body=body, headers={"Content-Type": content_type}
        )

    def open(self, url, data=None, timeout=None):
        return self.fetch(url if isinstance(url, str) else url.full_url)

    @staticmethod
    def static_name(url):
        parts = urlsplit(url)
        prefix = f"{SHEET_ORIGIN}{settings.STATIC_URL}"
        if not url.startswith(prefix) or parts.query:
            raise RefusedAddress(f"A sheet reads the site's static files only, not {url}")
        name = unquote(parts.path.removeprefix(settings.STATIC_URL))
        normal = posixpath.normpath(name)
        if normal != name or normal.startswith(("/", "..")) or "\\" in name:
            raise RefusedAddress(f"Not a static file's name: {url}")
        return name

    @staticmethod
    def read_static(name):
        """The file as the finders find it (the sources, never a stale ``collectstatic``),
        or else from the collected files (production's hashed names exist only there)."""
        try:
            found = finders.find(name)
            if found:
                with open(found, "rb") as file:
                    return file.read()
            if staticfiles_storage.exists(name):
                with staticfiles_storage.open(name) as file:
                    return file.read()
        except Exception as error:  # a name the finders or storage refuse (SuspiciousFileOperation)
            raise RefusedAddress(f"Not a static file's name: {name}") from error
        raise RefusedAddress(f"No static file named {name}")


def render_pdf(html, fetcher=None):
    """The PDF of ``html``, on one page: laid out at each scale of ``SCALES`` until it
    fits; if even the smallest does not, its first page alone (and a warning logged).

    ``html`` is a callable that takes the scale and gives the HTML."""
    fetcher = fetcher or StaticFilesFetcher()
    for scale in SCALES:
        document = weasyprint.HTML(
            string=html(scale), base_url=f"{SHEET_ORIGIN}/", url_fetcher=fetcher
        ).render()
        if len(document.pages) == 1:
            break
    else:
        logger.warning("A revision sheet was cut to its first page: %s", document.metadata.title)
        document = document.copy(document.pages[:1])
    return document.write_pdf()


@functools.lru_cache(maxsize=8)
def decompressed_font(packed):
    """A WOFF2 font as the plain OpenType font it packs, decoded once per process: WeasyPrint
    would decode it on every sheet, in pure Python, which took half of a sheet's time."""
    out = io.BytesIO()
    woff2.decompress(io.BytesIO(packed), out)
    return out.getvalue()


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

        return render_pdf(html)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        item = self.object
        version = current_version(item)
        page = item.get_absolute_url().partition("#")[0]
        context.update(
            item=item,
            version_date=version.date if version is not None else item.updated,
            version_address=version_url(item, version.date) if version is not None else page,
            page_address=page,
        )
        return context
