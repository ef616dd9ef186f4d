"""PDFs laid out by WeasyPrint from the site's HTML, reading nothing but its static files.

WeasyPrint asks a URL fetcher for every stylesheet, font and image. The fetcher here
(:class:`StaticFilesFetcher`) serves the site's own static files, found as
``collectstatic`` finds them, and refuses everything else: no ``file://``, no ``data:``,
no request to any host. The HTML's base address is a name that cannot resolve
(``.invalid``), so a relative link can only ever mean a static file.

Importing WeasyPrint takes a good part of a second and much memory, so only what makes a
PDF imports this module (:meth:`publishing.sheets.SheetView.render_sheet`, when it is
called), never a URLconf.
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
from fontTools.ttLib import woff2

logger = logging.getLogger(__name__)

#: The base address of a sheet's HTML: ``.invalid`` never resolves (RFC 2606), and the
#: fetcher answers for nothing else, so no address in a sheet reaches the network.
SHEET_ORIGIN = "https://sheet.invalid"
#: Font sizes (percent of the template's own) tried in turn until the sheet fits one page.
SCALES = (100, 90, 80, 70)


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
