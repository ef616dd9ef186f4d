"""sitemap.xml: every public page in English and in Hindi, with detail pages dated by their
last update. Each address lists its other language (``hreflang`` alternates) and the
English one as ``x-default``, as each page's head does."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from initiatives.models import Figure, Initiative, Milestone, Sector
from minerals.models import Mineral

STATIC_PAGES = [
    "home",
    "about",
    "initiatives:initiative-list",
    "initiatives:sector-list",
    "initiatives:figures",
    "initiatives:timeline",
    "minerals:mineral-list",
    "minerals:matrix",
    "changes",
    "data",
]


class SiteURLSitemap(Sitemap):
    """Locations on SITE_URL, the address canonical links and citations use too (without
    it, the address the sitemap was asked at, as Django's sitemap does by itself), in
    every language of settings.LANGUAGES."""

    i18n = True
    alternates = True
    x_default = True

    def get_protocol(self, protocol=None):
        return (
            urlsplit(settings.SITE_URL).scheme
            if settings.SITE_URL
            else super().get_protocol(protocol)
        )

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc if settings.SITE_URL else super().get_domain(site)


class StaticSitemap(SiteURLSitemap):
    changefreq = "weekly"

    def items(self):
        return STATIC_PAGES

    def location(self, item):
        return reverse(item)


class PublishedSitemap(SiteURLSitemap):
    changefreq = "monthly"

    def __init__(self, model):
        super().__init__()
        self.model = model

    def items(self):
        return self.model.objects.published().order_by("slug")

    def lastmod(self, item):
        return item.updated


SITEMAPS = {
    "pages": StaticSitemap(),
    "initiatives": PublishedSitemap(Initiative),
    "sectors": PublishedSitemap(Sector),
    "minerals": PublishedSitemap(Mineral),
    "figures": PublishedSitemap(Figure),
    "milestones": PublishedSitemap(Milestone),
}
