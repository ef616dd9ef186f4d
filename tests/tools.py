"""The outside checkers the quality tests drive, and the page types they check.

A newcomer may not have Chromium, Java or ``node_modules`` yet: their tests then
skip and say what to install. In CI (``CI=true``) a missing tool fails the test
instead, so nothing the issue requires is ever silently left unchecked.
"""

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@dataclass(frozen=True)
class Tool:
    name: str
    path: Path | None
    install: str

    @property
    def found(self):
        return self.path is not None and self.path.is_file()


def _executable(env_var, *candidates):
    """The first of an override from the environment, the candidates, or the PATH."""
    override = os.environ.get(env_var)
    if override:
        return Path(override)
    for candidate in candidates:
        if Path(candidate).is_file():
            return Path(candidate)
    found = shutil.which(Path(candidates[0]).name)
    return Path(found) if found else None


CHROMIUM = Tool(
    "Chromium",
    _executable("CHROME_PATH", "/usr/bin/chromium", "/usr/bin/chromium-browser"),
    "`sudo apt-get install chromium` (or set CHROME_PATH to a Chrome/Chromium binary)",
)
JAVA = Tool(
    "Java", _executable("JAVA", "/usr/bin/java"), "`sudo apt-get install default-jre-headless`"
)
VNU_JAR = Tool(
    "the Nu HTML Checker (vnu.jar)",
    NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar",
    "`npm ci` in the project root (needs Node.js: `sudo apt-get install nodejs npm`)",
)
AXE = Tool(
    "axe-core",
    NODE_MODULES / "axe-core" / "axe.min.js",
    "`npm ci` in the project root (needs Node.js: `sudo apt-get install nodejs npm`)",
)
XGETTEXT = Tool(
    "GNU gettext's xgettext (for makemessages)",
    _executable("XGETTEXT", "/usr/bin/xgettext"),
    "`sudo apt-get install gettext`",
)
LIGHTHOUSE = Tool(
    "Lighthouse",
    NODE_MODULES / ".bin" / "lighthouse",
    "`npm ci` in the project root (needs Node.js: `sudo apt-get install nodejs npm`)",
)


def in_ci():
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def require(*tools):
    """Skip the calling test (fail it in CI) unless every tool is installed."""
    missing = [tool for tool in tools if not tool.found]
    if not missing:
        return
    message = "; ".join(
        f"{tool.name} not found (looked for {tool.path or 'it on the PATH'}): install it with "
        f"{tool.install}"
        for tool in missing
    )
    if in_ci():
        pytest.fail(f"CI=true and a required tool is missing: {message}", pytrace=False)
    pytest.skip(message)


@dataclass(frozen=True)
class PageType:
    """One kind of page a reader meets, at an example address from the fixtures."""

    name: str
    url: str
    status: int = 200
    #: It needs the public changes :func:`make_versions` makes (a dated version's page).
    versions: bool = False


PAGE_TYPES = [
    PageType("home", "/"),
    PageType("initiative-index", "/initiatives/"),
    PageType("initiative-detail", "/initiatives/trust/"),
    PageType("initiative-child", "/initiatives/strategic-mineral-recovery-initiative/"),
    PageType("initiative-with-figures", "/initiatives/national-critical-minerals-mission/"),
    PageType("sector-index", "/sectors/"),
    PageType("sector-detail", "/sectors/defence/"),
    PageType("mineral-index", "/minerals/"),
    PageType("mineral-index-filtered", "/minerals/?group=rare-earth&sector=defence&ordering=-name"),
    PageType("mineral-index-no-match", "/minerals/?group=battery&sector=space"),
    PageType("mineral-index-bad-filter", "/minerals/?group=bogus", status=400),
    PageType("mineral-detail", "/minerals/neodymium/"),
    PageType("mineral-detail-two-sectors", "/minerals/lithium/"),
    PageType("dependency-matrix", "/minerals/matrix/"),
    PageType("figures", "/figures/"),
    PageType("figure-detail", "/figures/ncmm-outlay/"),
    PageType("milestone-detail", "/timeline/ncmm-approved/"),
    PageType("timeline", "/timeline/"),
    PageType("search-results", "/search/?q=lithium"),
    PageType("search-empty", "/search/"),
    PageType("search-nonsense", "/search/?q=xqzvbnm"),
    PageType("about", "/about/"),
    PageType("changes", "/changes/"),
    PageType("open-data", "/data/"),
    PageType("not-found", "/no-such-page/", status=404),
    PageType("mineral-not-found", "/minerals/unobtainium/", status=404),
    PageType("sector-version", "/sectors/defence/versions/1/", versions=True),
    PageType("sector-version-current", "/sectors/defence/versions/2/", versions=True),
    PageType("sector-versions-compared", "/sectors/defence/versions/1/compare/2/", versions=True),
    PageType("mineral-version", "/minerals/neodymium/versions/1/", versions=True),
    PageType("changes-with-versions", "/changes/sector/defence/", versions=True),
]


def make_versions():
    """Public changes, made as a Publisher makes them, so that the page types above have
    dated versions to show: two of the Defence sector (a summary corrected) and one of
    neodymium."""
    from initiatives.models import Sector
    from minerals.models import Mineral
    from publishing import workflow

    for model, slug, summary in [
        (Sector, "defence", "Defence: the first corrected summary."),
        (Sector, "defence", "Defence: the second corrected summary."),
        (Mineral, "neodymium", "Neodymium: a corrected summary."),
    ]:
        pk = model.objects.get(slug=slug).pk
        with workflow.edit(model, pk, None, workflow.Action.PUBLISH) as session:
            session.item.summary = summary
            session.item.save()
            session.saved(session.item)


def render_server_error_page():
    """The HTML a reader gets from the site's 500 handler, as the server would send it."""
    from django.test import RequestFactory
    from django.urls import get_resolver

    handler = get_resolver().resolve_error_handler(500)
    response = handler(RequestFactory().get("/"))
    assert response.status_code == 500, response.status_code
    return response.content.decode()
