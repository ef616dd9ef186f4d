"""The Content-Security-Policy: strict on every answer, and nothing on the site breaks under it.

The policy allows no inline code, no eval and nothing from elsewhere. Chromium reports what
it refuses in three ways, and every one is collected: a ``securitypolicyviolation`` event, a
``csp-violation`` report (which also covers what the event cannot reach, such as an image
refused before it is in the document) and a console message. A page passes when nothing was
refused, no script failed and the console shows no error, after it has finished rendering and
after its widgets were used: the public pages, the admin's screens and widgets, the browsable
API signed in and not, Swagger UI and ReDoc.
"""

import json
import re
import subprocess
import sys

import pytest
from django.contrib.auth.models import Group
from django.test import Client, override_settings

from initiatives.models import Figure, Initiative, Milestone
from minerals.models import Mineral
from publishing.models import Change
from publishing.roles import PUBLISHER
from tests.browser.conftest import DESKTOP
from tests.browser.test_pages import describe_violations
from tests.tools import AXE, PAGE_TYPES, ROOT

pytestmark = pytest.mark.browser

PASSWORD = "a-long-test-password-9"

#: Records, on every document, what the policy refused.
WATCH = """
(() => {
  const refused = (window.__cspRefused = []);
  const note = (directive, blocked, where) =>
    refused.push(`${directive} refused ${blocked || "inline code"} (${where})`);
  document.addEventListener(
    "securitypolicyviolation",
    (event) => note(event.effectiveDirective, event.blockedURI,
                    `${event.sourceFile || event.documentURI}:${event.lineNumber}`),
    true,
  );
  if (window.ReportingObserver) {
    new ReportingObserver(
      (reports) => reports.forEach((report) => note(report.body.effectiveDirective,
        report.body.blockedURL, report.body.sourceFile || report.body.documentURL)),
      {types: ["csp-violation"], buffered: true},
    ).observe();
  }
})();
"""

#: The directives every answer's policy has, exactly (a nonce may join script-src and style-src).
REQUIRED = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
NONCE = re.compile(r"^'nonce-[A-Za-z0-9+/=]{16,}'$")


class Watched:
    """A browser context whose pages report what the policy refused, failed scripts and
    console errors, popups included."""

    def __init__(self, browser, **options):
        self.context = browser.new_context(viewport=DESKTOP, **options)
        self.context.add_init_script(WATCH)
        self.context.on("page", self.watch)
        self.problems = []

    def watch(self, page):
        page.on("pageerror", lambda error: self.problems.append(f"{page.url}: {error}"))
        page.on("console", lambda message: self.console(page, message))

    def console(self, page, message):
        text = message.text
        source = message.location.get("url", "")
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            self.problems.append(f"{page.url}: console: {text}")
        elif message.type == "error":
            # The page's own status (a 404 page's) is checked by visit(); Chromium asks for
            # /favicon.ico on pages that name no icon.
            if text.startswith("Failed to load resource") and (
                source == page.url or source.endswith("/favicon.ico")
            ):
                return
            self.problems.append(f"{page.url}: console error: {text} ({source})")

    def new_page(self):
        return self.context.new_page()

    def refused(self, page):
        """What the policy refused on ``page`` since the last call, reports included (they
        arrive a moment after the fact)."""
        page.wait_for_timeout(250)
        for refusal in page.evaluate("() => (window.__cspRefused || []).splice(0)"):
            self.problems.append(f"{page.url}: {refusal}")

    def visit(self, page, url, ready=None, status=200):
        response = page.goto(url)
        if response.status != status:
            self.problems.append(f"{url} answered {response.status}, not {status}")
        if ready:
            page.wait_for_selector(ready)
        page.wait_for_load_state("networkidle")
        self.refused(page)
        return response

    def close(self):
        self.context.close()

    def report(self):
        return f"{len(self.problems)} problem(s) under the policy:\n" + "\n".join(
            dict.fromkeys(self.problems)
        )


@pytest.fixture
def roles(site):
    """The groups the roles' migrations make: a live-server test empties every table when it
    ends, migrations' rows included, so each test grants them again."""
    from django.apps import apps

    from publishing.roles import grant

    for app_label in ("initiatives", "minerals"):
        forwards, _ = grant(app_label)
        forwards(apps, None)


@pytest.fixture
def watched(browser):
    contexts = []

    def make(**options):
        contexts.append(Watched(browser, **options))
        return contexts[-1]

    yield make
    for context in contexts:
        context.close()


def sign_in(watched_context, site, django_user_model, username="paula", role=PUBLISHER):
    """A Publisher, signed in through the admin's own form (so its CSRF cookie is the site's)."""
    user = django_user_model.objects.create_user(username, password=PASSWORD, is_staff=True)
    user.groups.set([Group.objects.get(name=role)])
    page = watched_context.new_page()
    watched_context.visit(page, f"{site}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{site}/admin/")
    return page


def directives(header):
    policy = {}
    for part in header.split(";"):
        name, *values = part.split()
        policy[name] = values
    return policy


def policy_problems(header):
    """What is wrong with one answer's Content-Security-Policy header."""
    if not header:
        return ["no Content-Security-Policy header"]
    problems = []
    for word in ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "'strict-dynamic'"):
        if word in header:
            problems.append(f"{word} in {header}")
    if "*" in header:
        problems.append(f"a wildcard in {header}")
    policy = directives(header)
    for name, values in REQUIRED.items():
        found = policy.get(name)
        extra = {"script-src", "style-src"}
        kept = [value for value in found or [] if not (name in extra and NONCE.match(value))]
        if name == "style-src" and found is not None:
            kept = [value for value in kept if not value.startswith("'sha256-")]
        if kept != values:
            problems.append(f"{name} is {found}, not {values} (with a nonce at most)")
    return problems


# The header on every kind of answer ------------------------------------------------------


@pytest.mark.parametrize(
    "url, kind",
    [
        ("/minerals/", "text/html"),
        ("/no-such-page/", "text/html"),
        ("/figures/figures.csv", "text/csv"),
        ("/api/v1/minerals/?format=json", "application/json"),
        ("/api/v1/minerals/?format=csv", "text/csv"),
        ("/api/v1/minerals/", "text/html"),
        ("/api/v1/no-such-resource/", "application/json"),
        ("/api/v1/schema/", "application/vnd.oai.openapi"),
        ("/api/v1/docs/", "text/html"),
        ("/api/v1/docs/?script=", "application/javascript"),
        ("/api/v1/redoc/", "text/html"),
        ("/feed/", "application/atom+xml"),
        ("/data/", "text/html"),
        ("/data/datapackage.json", "application/json"),
        ("/data/minerals.csv", "text/csv"),
        ("/data/trustsite-data.zip", "application/zip"),
        ("/admin/login/", "text/html"),
    ],
)
def test_every_kind_of_answer_has_the_strict_policy_and_the_other_protections(
    client, content, url, kind
):
    response = client.get(url, HTTP_ACCEPT="text/html" if kind == "text/html" else "*/*")

    assert response["Content-Type"].startswith(kind), response["Content-Type"]
    assert policy_problems(response.get("Content-Security-Policy")) == []
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    if kind == "text/html":
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_only_redoc_uses_a_nonce_new_each_time_and_never_cached(client, content):
    """A nonce shown twice could be reused by injected code, so the ReDoc page is never served
    from the page cache (which keeps other answers, headers included) and the nonce its
    start-up script carries is the one in that answer's policy."""
    with override_settings(PAGE_CACHE_SECONDS=300):
        anonymous = Client()
        nonces = []
        for _ in range(2):
            response = anonymous.get("/api/v1/redoc/")
            policy = directives(response["Content-Security-Policy"])
            nonce = [value for value in policy["style-src"] if NONCE.match(value)]
            assert nonce, policy
            assert f'nonce="{nonce[0][7:-1]}"' in response.content.decode()
            assert "no-store" in response["Cache-Control"]
            assert policy["worker-src"] == ["blob:"]
            nonces.append(nonce[0])
        assert nonces[0] != nonces[1]

        for _ in range(2):
            docs = anonymous.get("/api/v1/docs/")
        assert docs.get("X-Page-Cache") == "hit"
        assert "nonce" not in docs["Content-Security-Policy"]
        assert "nonce" not in anonymous.get("/minerals/")["Content-Security-Policy"]


def test_swagger_ui_asks_no_other_site_for_a_validator_badge(client, content):
    script = client.get("/api/v1/docs/?script=").content.decode()
    assert '"validatorUrl": null' in script


def test_production_cookies_are_secure_and_out_of_scripts_reach_and_https_is_enforced():
    code = (
        "import django; django.setup(); from django.conf import settings as s; import json; "
        "print(json.dumps([s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
        "s.CSRF_COOKIE_SECURE, s.CSRF_COOKIE_HTTPONLY, s.SECURE_HSTS_SECONDS, "
        "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_SSL_REDIRECT, s.SECURE_CONTENT_TYPE_NOSNIFF, "
        "s.SECURE_REFERRER_POLICY, s.SECURE_CROSS_ORIGIN_OPENER_POLICY, s.X_FRAME_OPTIONS]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "trustsite.settings",
            "DJANGO_ENV": "production",
            "SECRET_KEY": "a-long-random-production-secret-" + "x" * 40,
            "ALLOWED_HOSTS": "trust.example.org",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values[:4] == [True, True, True, True]
    assert values[4] >= 31536000 and values[5] and values[6]
    assert values[7:] == [True, "same-origin", "same-origin", "DENY"]


# Public pages ---------------------------------------------------------------------------


def test_every_public_page_type_runs_under_the_policy(site, watched):
    context = watched()
    page = context.new_page()
    for page_type in PAGE_TYPES:
        response = context.visit(page, site + page_type.url, status=page_type.status)
        context.problems += [
            f"{page_type.url}: {problem}"
            for problem in policy_problems(response.headers.get("content-security-policy"))
        ]
        inline = page.evaluate(
            """() => document.querySelectorAll('[style], style, '
                   + 'script:not([src]):not([type="application/ld+json"]), '
                   + '[onclick], [onload], [onchange], [onsubmit]').length"""
        )
        if inline:
            context.problems.append(f"{page_type.url}: {inline} inline style(s) or script(s)")
    assert not context.problems, context.report()


# The admin --------------------------------------------------------------------------------


def admin_screens():
    """The admin's screens a Publisher uses: lists, add and change forms with their widgets,
    history, review, import and export."""
    initiative = Initiative.objects.get(slug="strategic-mineral-recovery-initiative")
    milestone = Milestone.objects.get(slug="ncmm-approved")
    figure = Figure.objects.get(slug="ncmm-outlay")
    mineral = Mineral.objects.get(slug="neodymium")
    screens = ["/admin/", "/admin/review/", "/admin/initiatives/", "/admin/initiatives/sector/"]
    for model, item in (
        ("initiatives/initiative", initiative),
        ("initiatives/milestone", milestone),
        ("initiatives/figure", figure),
        ("minerals/mineral", mineral),
    ):
        screens += [
            f"/admin/{model}/",
            f"/admin/{model}/add/",
            f"/admin/{model}/{item.pk}/change/",
        ]
    screens += [
        "/admin/minerals/mineral/?status__exact=published&q=ium",
        f"/admin/minerals/mineral/{mineral.pk}/history/",
        f"/admin/minerals/mineral/{mineral.pk}/review/",
        "/admin/minerals/mineral/import/",
        "/admin/minerals/mineral/export/",
        "/admin/initiatives/milestone/export/",
        "/admin/password_change/",
    ]
    return screens


def test_admin_screens_run_under_the_policy(site, roles, watched, django_user_model):
    context = watched()
    page = sign_in(context, site, django_user_model)
    for screen in admin_screens():
        response = context.visit(page, site + screen, ready="#content")
        context.problems += [
            f"{screen}: {problem}"
            for problem in policy_problems(response.headers.get("content-security-policy"))
        ]
    assert not context.problems, context.report()


def test_admin_widgets_work_under_the_policy(site, roles, watched, django_user_model):
    """Dates and times from their pop-ups, autocompletes, new inline rows with their
    prepopulated slugs, an item added in a related-object popup, the two-box picker, the
    changelist's actions, saving, history and revert, an import with its preview, and the
    export page's "Select all"."""
    context = watched()
    page = sign_in(context, site, django_user_model)
    milestone = Milestone.objects.get(slug="ncmm-approved")
    initiative = Initiative.objects.get(slug="strategic-mineral-recovery-initiative")
    mineral = Mineral.objects.get(slug="neodymium")

    # A Publisher schedules a milestone with the calendar and the clock, and saves.
    context.visit(page, f"{site}/admin/initiatives/milestone/{milestone.pk}/change/")
    page.click(".field-go_live_at a[id^=calendarlink]")
    calendar = page.locator(".calendarbox:visible")
    calendar.locator(".calendarnav-next").click()
    calendar.locator("td a", has_text=re.compile(r"^15$")).click()
    assert page.input_value("#id_go_live_at_0").endswith("-15")
    page.click(".field-go_live_at a[id^=clocklink]")
    page.locator(".clockbox:visible a", has_text="Noon").click()
    assert page.input_value("#id_go_live_at_1") == "12:00:00"
    page.click("input[name=_continue]")
    page.wait_for_load_state()
    context.refused(page)
    assert page.locator(".errornote").count() == 0, page.locator(".errornote").inner_text()
    assert page.locator(".messagelist").count() == 1

    # Its history, and a revert to the version before.
    context.visit(page, f"{site}/admin/initiatives/milestone/{milestone.pk}/history/")
    baseline = Change.filter_item(milestone).get(action=Change.Action.BASELINE)
    context.visit(
        page, f"{site}/admin/initiatives/milestone/{milestone.pk}/history/{baseline.pk}/revert/"
    )
    page.click("input[type=submit][value='Revert to this version']")
    page.wait_for_url(f"{site}/admin/initiatives/milestone/{milestone.pk}/history/")
    context.refused(page)

    # An initiative: a sector found by typing, a sector added in a popup, a new section.
    context.visit(page, f"{site}/admin/initiatives/initiative/{initiative.pk}/change/")
    page.click(".field-sectors .select2-selection")
    page.keyboard.type("spa")
    page.locator(".select2-results__option", has_text="Space").click()
    chosen = "() => [...document.querySelectorAll('#id_sectors option:checked')].map(o => o.text)"
    assert "Space" in page.evaluate(chosen)

    with context.context.expect_page() as opened:
        page.click("#add_id_sectors")
    popup = opened.value
    popup.wait_for_load_state()
    popup.locator("#id_name").press_sequentially("Quantum sensing")
    assert popup.input_value("#id_slug") == "quantum-sensing"
    popup.click("input[name=_continue]")
    popup.wait_for_event("close")
    assert "Quantum sensing" in page.evaluate(chosen)

    rows = int(page.input_value("#id_sections-TOTAL_FORMS"))
    page.click("#sections-group .add-row a")
    page.locator(f"#id_sections-{rows}-heading").press_sequentially("What comes next")
    assert page.input_value(f"#id_sections-{rows}-slug") == "what-comes-next"
    context.refused(page)

    # A mineral's source, taken out of the two-box picker, found by filtering and put back.
    context.visit(page, f"{site}/admin/minerals/mineral/{mineral.pk}/change/")
    source = mineral.sources.first().title
    page.select_option("#id_sources_to", label=source)
    page.click("#id_sources_remove")
    assert page.locator("#id_sources_to option").count() == 0
    page.locator("#id_sources_input").press_sequentially(source[-5:])
    page.select_option("#id_sources_from", label=source)
    page.click("#id_sources_add")
    assert page.locator("#id_sources_to option").all_inner_texts() == [source]
    context.refused(page)

    # The changelist's "select all" and its counter.
    context.visit(page, f"{site}/admin/minerals/mineral/")
    page.check("#action-toggle")
    assert "selected" in page.locator(".action-counter").inner_text()
    context.refused(page)

    # An import: the upload, its preview of every row, and the confirmation.
    context.visit(page, f"{site}/admin/minerals/mineral/import/")
    upload = b"slug,name,summary\nneodymium,Neodymium,Imported in the browser.\n"
    page.set_input_files(
        "#id_import_file", files=[{"name": "m.csv", "mimeType": "text/csv", "buffer": upload}]
    )
    page.click("input[type=submit][value='Upload and preview']")
    page.wait_for_selector(".import-preview")
    context.refused(page)
    page.click("input[name=confirm]")
    page.wait_for_url(f"{site}/admin/minerals/mineral/")
    context.refused(page)

    # The export page's "Select all" box clears and ticks every field.
    context.visit(page, f"{site}/admin/minerals/mineral/export/")
    fields = page.locator(".selectable-field-export-row input[type=checkbox]:visible")
    assert fields.count() > 2
    page.uncheck("input.select-toggle")
    assert not any(fields.nth(i).is_checked() for i in range(fields.count()))
    page.click("label.select-toggle-label")
    assert all(fields.nth(i).is_checked() for i in range(fields.count()))
    context.refused(page)

    assert not context.problems, context.report()


# The API ----------------------------------------------------------------------------------


def test_browsable_api_runs_under_the_policy_signed_in_or_not(
    site, roles, watched, django_user_model
):
    anonymous = watched()
    page = anonymous.new_page()
    for url in ("/api/v1/", "/api/v1/minerals/", "/api/v1/minerals/neodymium/"):
        anonymous.visit(page, site + url, ready="#content")
    anonymous.visit(page, f"{site}/api/v1/minerals/?ordering=name&search=ium", ready="#content")
    page.click("button[data-target='#filtersModal']")
    page.wait_for_selector("#filtersModal.in")
    anonymous.refused(page)

    publisher = watched()
    page = sign_in(publisher, site, django_user_model)
    for url in ("/api/v1/", "/api/v1/minerals/", "/api/v1/minerals/neodymium/"):
        publisher.visit(page, site + url, ready="#content")
    # A PATCH from the raw-data form (the only one: the API takes JSON alone): an AJAX request
    # carrying the CSRF token the page gives (the cookie is out of scripts' reach), and the
    # answer written into the document.
    page.fill("#put-generic-content-form textarea", '{"summary": "Patched in the browser."}')
    page.click("#put-generic-content-form button[data-method=PATCH]")
    page.wait_for_function("() => document.body.textContent.includes('Patched in the browser.')")
    assert re.search(r"HTTP 20[02]", page.locator(".response-info").inner_text())
    publisher.refused(page)

    cookies = {cookie["name"]: cookie for cookie in publisher.context.cookies()}
    assert cookies["csrftoken"]["httpOnly"] and cookies["sessionid"]["httpOnly"]
    problems = anonymous.problems + publisher.problems
    assert not problems, f"{len(problems)} problem(s) under the policy:\n" + "\n".join(problems)


def test_swagger_ui_and_redoc_render_and_work_under_the_policy(site, watched):
    context = watched()
    page = context.new_page()

    context.visit(page, f"{site}/api/v1/docs/", ready=".swagger-ui .opblock")
    operation = page.locator("#operations-minerals-minerals_list")
    operation.locator(".opblock-summary-control").click()
    operation.locator(".try-out__btn").click()
    operation.locator(".execute").click()
    operation.locator(".live-responses-table .response-col_status", has_text="200").wait_for()
    context.refused(page)

    context.visit(page, f"{site}/api/v1/redoc/", ready=".api-content h2")
    page.fill("input[placeholder='Search...']", "mineral")
    page.locator("[data-role='search:results'] li").first.wait_for()
    context.refused(page)

    assert not context.problems, context.report()


@pytest.mark.parametrize(
    "url, ready",
    [("/api/v1/docs/", ".swagger-ui .opblock"), ("/api/v1/redoc/", ".api-content h2")],
    ids=["swagger-ui", "redoc"],
)
def test_api_documentation_has_no_axe_violations(site, browser, url, ready):
    """Like every page type in test_pages: a language, landmarks, a heading, contrast."""
    context = browser.new_context(viewport=DESKTOP, bypass_csp=True)  # to add axe's script
    page = context.new_page()
    page.goto(site + url)
    page.wait_for_selector(ready)
    page.wait_for_load_state("networkidle")
    page.add_script_tag(path=str(AXE.path))
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    context.close()
    assert results["violations"] == [], describe_violations(results["violations"])
