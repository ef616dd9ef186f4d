"""Settings for trustsite, read from the environment.

With no variables set, a newcomer gets a development site on SQLite that answers
this machine only. ``DJANGO_ENV=production`` is for a server: it refuses to start
without ``SECRET_KEY`` and ``ALLOWED_HOSTS``, turns DEBUG off and the HTTPS
protections on (``manage.py check --deploy`` passes). ``HTTPS=off`` serves plain
HTTP, for a production server on this machine only (``make serve``, ``make bench``).
"""

import datetime
import hashlib
import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

import dj_database_url
from csp.constants import NONCE as CSP_NONCE
from csp.constants import NONE as CSP_NONE
from csp.constants import SELF as CSP_SELF
from django.core.exceptions import ImproperlyConfigured
from import_export.formats.base_formats import CSV, XLSX

BASE_DIR = Path(__file__).resolve().parent.parent

ENVIRONMENT = os.environ.get("DJANGO_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"
#: Host names that reach this machine only: what development settings may answer.
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "[::1]", "testserver"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_flag(name, default):
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


def source_fingerprint(root):
    """Changes with every deploy of new code or templates: part of the page cache's keys,
    so a cache shared across a deploy never serves pages the old code rendered."""
    digest = hashlib.sha256()
    for folder in ("trustsite", "publishing", "initiatives", "minerals", "templates", "locale"):
        for path in sorted((root / folder).rglob("*")):
            if path.suffix in {".py", ".html", ".txt", ".css", ".svg", ".po"} and path.is_file():
                stat = path.stat()
                digest.update(
                    f"{path.relative_to(root)}:{stat.st_size}:{stat.st_mtime_ns}".encode()
                )
    return digest.hexdigest()[:12]


if PRODUCTION:
    missing = [name for name in ("SECRET_KEY", "ALLOWED_HOSTS") if not os.environ.get(name)]
    if missing:
        raise ImproperlyConfigured(
            f"Production settings need these environment variables: {', '.join(missing)}."
        )
    SECRET_KEY = os.environ["SECRET_KEY"]
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
    DEBUG = False
    HTTPS = env_flag("HTTPS", True)
    if not HTTPS and set(ALLOWED_HOSTS) - LOOPBACK_HOSTS:
        raise ImproperlyConfigured(
            "HTTPS=off is for a server on this machine only: ALLOWED_HOSTS names "
            f"{', '.join(sorted(set(ALLOWED_HOSTS) - LOOPBACK_HOSTS))}. Serve those over HTTPS."
        )
else:
    SECRET_KEY = os.environ.get("SECRET_KEY", "django-insecure-development-only-key")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ",".join(sorted(LOOPBACK_HOSTS)))
    DEBUG = env_flag("DEBUG", True)
    HTTPS = False
    if set(ALLOWED_HOSTS) - LOOPBACK_HOSTS:
        raise ImproperlyConfigured(
            "The development settings (DEBUG on, a public secret key) answer this machine "
            f"only, not {', '.join(sorted(set(ALLOWED_HOSTS) - LOOPBACK_HOSTS))}. Set "
            "DJANGO_ENV=production, SECRET_KEY and ALLOWED_HOSTS to serve other hosts."
        )

SITE_NAME = "trustsite"
#: The site's public address, for canonical links, citations, the sitemap and robots.txt.
#: Empty: the address each request was made to (right for `make run` on any port).
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")
#: The licence of the open data package (/data/) and of its Dataset descriptions, as a
#: Data Package ``licenses`` entry.
DATA_LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0 International",
}
#: What code and templates are running (see source_fingerprint); set it to the release's
#: commit in a deployment.
RELEASE = os.environ.get("RELEASE") or source_fingerprint(BASE_DIR)

INSTALLED_APPS = [
    "publishing.apps.EditorialAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "reversion",
    "import_export",
    "axes",
    "csp",
    "publishing",
    "initiatives",
    "minerals",
    "trustsite",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # High up, so every answer has the policy: static files, cached pages, outage pages.
    "csp.middleware.CSPMiddleware",
    "trustsite.outage.DatabaseOutageMiddleware",  # Database unreachable: a 503 with Retry-After.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The language a request's address names (English, or Hindi under /hi/), active from
    # here down: the page cache's keys and the URL resolver depend on it.
    "trustsite.locale.AddressLanguageMiddleware",
    # Validators for every answer, and 304s, cached answers included (HEAD as GET).
    "publishing.cache.HeadAsGetConditionalMiddleware",
    # Above GZip, so a compressed answer is cached compressed.
    "publishing.cache.PageCacheMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The admin in each editor's own time zone and language.
    "publishing.middleware.EditorPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "publishing.middleware.PreviewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it answers a locked-out sign-in with the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "trustsite.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "trustsite.context_processors.site",
                "trustsite.locale.languages",
                "publishing.context_processors.previewing",
            ],
        },
    },
]

WSGI_APPLICATION = "trustsite.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite serving several processes of editors and readers at once: a write takes the
    # database's write lock when its transaction begins (IMMEDIATE), so two writers queue
    # instead of one failing halfway with "database is locked"; a writer waits up to
    # `timeout` seconds for the lock; readers read the last commit while a writer writes
    # (WAL); and every commit reaches the disk before it is acknowledged (synchronous FULL:
    # an editor's saved work survives a power cut).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": int(os.environ.get("SQLITE_BUSY_TIMEOUT", "20")),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
        **DATABASES["default"].get("OPTIONS", {}),
    }

if os.environ.get("REDIS_URL"):
    # Shared by every process: the page cache and the API's throttling counts.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": "trustsite",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

#: How long an anonymous answer is served from the cache. Entries are keyed by the
#: content's state, so a change shows on the next request whatever this is; 0 turns the
#: page cache off (the default with DEBUG on, so template edits show at once).
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "0" if DEBUG else "300"))
PAGE_CACHE_ALIAS = "default"
#: How long a page's expensive parts (publishing.fragments) are kept for the next miss,
#: in the page cache's store: each is reused only while nothing it shows changed, like a
#: cached page; 0 turns it off (the default with DEBUG on, so template edits show at once).
FRAGMENT_CACHE_SECONDS = int(os.environ.get("FRAGMENT_CACHE_SECONDS", "0" if DEBUG else "300"))
#: How long a shared cache in front of the site (Varnish, a CDN) may keep a public answer
#: (``s-maxage``): it is purged by key when what the answer shows changes, so this only
#: bounds how long a purge that got lost can matter.
EDGE_CACHE_SECONDS = int(os.environ.get("EDGE_CACHE_SECONDS", "300"))
#: Where to purge changed keys after each change commits: comma-separated addresses of
#: Varnish servers running deploy/varnish/default.vcl (see README, "Deployment").
CACHE_PURGE_URLS = [
    url.strip() for url in os.environ.get("CACHE_PURGE_URLS", "").split(",") if url.strip()
]

AUTHENTICATION_BACKENDS = [
    # Refuses sign-ins to a locked account before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Sign-in protection (django-axes): after AXES_FAILURE_LIMIT failed sign-ins for one
# account, that account is locked for AXES_COOLOFF_TIME, even with the right password;
# so is a client address that fails that often across accounts (password spraying).
# The address is the client's own, not the proxy's (TRUSTED_PROXIES below), so the
# clients behind the load balancer never lock each other out. Attempts are kept in the
# database, shared by every process.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
#: How many proxies stand in front of the site (a load balancer: 1). The client's own
#: address is the one they add to X-Forwarded-For (see trustsite.clients).
TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "1" if PRODUCTION and HTTPS else "0"))
AXES_CLIENT_IP_CALLABLE = "trustsite.clients.client_address"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
#: The public site's languages: English at the plain addresses, Hindi under /hi/.
LANGUAGES = [("en", "English"), ("hi", "Hindi")]
#: The site's own translations (locale/hi/LC_MESSAGES/django.po), compiled by the Makefile.
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = []
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

FIXTURE_DIRS = [BASE_DIR / "fixtures"]
#: The source content, as fixture labels: ``manage.py load_content`` loads them into an
#: empty database (``make run`` does on every start) and reloads them only when asked.
CONTENT_FIXTURES = ["initiatives", "minerals"]

REST_FRAMEWORK = {
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.NamespaceVersioning",
    "DEFAULT_VERSION": "v1",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "publishing.tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.DjangoModelPermissionsOrAnonReadOnly",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "publishing.api.negotiation.ContentNegotiation",
    # DRF's, except that an item the public saw go answers 410 Gone, not 404.
    "EXCEPTION_HANDLER": "publishing.removals.api_exception_handler",
    "DEFAULT_PAGINATION_CLASS": "publishing.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_RENDERER_CLASSES": [
        "publishing.api.renderers.JSONRenderer",  # DRF's, with markup escaped
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    # The client's address for throttling, as for login lockout (TRUSTED_PROXIES above):
    # without it DRF keys anonymous clients by the whole X-Forwarded-For, which they write.
    "NUM_PROXIES": TRUSTED_PROXIES,
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_ANON_RATE", "600/hour"),
        "user": os.environ.get("API_USER_RATE", "5000/hour"),
    },
    # The API takes JSON bodies only (a form is 415): the tests' APIClient sends JSON too.
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

# API tokens (django-rest-knox): stored as digests in publishing.ApiToken, made and
# revoked by each staff user on their profile (/admin/profile/), sent as
# `Authorization: Token <key>` as DRF's own tokens were.
KNOX_TOKEN_MODEL = "publishing.ApiToken"
REST_KNOX = {"AUTH_HEADER_PREFIX": "Token"}
#: knox's own migrations would create its default token table, unused once swapped out.
MIGRATION_MODULES = {"knox": None}

SPECTACULAR_SETTINGS = {
    "TITLE": "trustsite API",
    "DESCRIPTION": (
        "Read the trustsite content (initiatives, sectors, minerals, figures, milestones "
        "and their sources) as JSON or CSV. Editors write with a token.\n\n"
        "* **Items** are addressed by slug; related items appear as their API links, with "
        "their slugs beside them (`sectors` and `sector_slugs`, `country` and "
        "`country_slug`), and are written as slugs. `page` is the item on the public site.\n"
        "* **CSV**: each list's whole CSV is at `/api/v1/<resource>.csv`, with the list's "
        "filters; `?format=csv` or `Accept: text/csv` on a list gives the same.\n"
        "* **Pages** of 20 items; `page_size` up to 100. The next and previous pages are "
        "also in the `Link` header.\n"
        "* **Caching**: every read has an `ETag`; send it back in `If-None-Match` to get "
        "`304 Not Modified` when nothing changed.\n"
        "* **Writing**: send `Authorization: Token <key>`. Editors make their keys on their "
        "profile in the admin (/admin/profile/); a key is shown once and may expire. New "
        "items start as drafts.\n"
        "* **Limits**: too many requests answer 429 with `Retry-After`."
    ),
    # A version Python packaging accepts, so that generated clients install: drf-spectacular
    # would make it "1.0.0 (v1)"; publishing.api.schema.contract_hook keeps it plain.
    "VERSION": "1.0.0",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "publishing.api.schema.contract_hook",
    ],
    # Answers and request bodies as separate components: what is always sent is required
    # in answers, and bodies leave out what cannot be written (url, created…).
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema of the API's own URLconf, without the public pages' language prefixes.
    "DEFAULT_GENERATOR_CLASS": "trustsite.api.schema_urls.APISchemaGenerator",
    "SWAGGER_UI_DIST": "SIDECAR",
    # Swagger UI: no badge image from validator.swagger.io (the Content-Security-Policy refuses
    # it), and no deep links, which put a link inside each operation's button (axe refuses).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False, "validatorUrl": None},
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Bulk import and export in the admin (django-import-export): see publishing/imports.py.
IMPORT_EXPORT_FORMATS = [CSV, XLSX]
#: Importing adds and changes items: it needs both permissions (the admin mixin checks
#: "add" besides this one); exporting needs only to see them.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_IMPORT_IGNORE_BLANK_LINES = True
#: Off because the resources escape formulae themselves, more thoroughly: this setting
#: only drops a leading "=" (not "+", "-" or "@"), and it turns every XLSX cell into text.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# No script reads either cookie: Django's forms, the browsable API and Swagger UI take the
# CSRF token from the page.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# Content-Security-Policy (django-csp): nothing inline runs or applies without the
# request's nonce (only the ReDoc page uses it), nothing is loaded from elsewhere, and no
# page may be framed. Answers that use the nonce must never come from the page cache.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [CSP_SELF],
        "script-src": [CSP_SELF, CSP_NONCE],
        "style-src": [CSP_SELF, CSP_NONCE],
        "img-src": [CSP_SELF, "data:"],
        "font-src": [CSP_SELF],
        "connect-src": [CSP_SELF],
        "object-src": [CSP_NONE],
        "base-uri": [CSP_SELF],
        "form-action": [CSP_SELF],
        "frame-ancestors": [CSP_NONE],
    },
}

if PRODUCTION:
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_flag("SECURE_SSL_REDIRECT", True)
    # A load balancer polls the health checks over plain HTTP, inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Email: the workflow's notifications to editors (publishing/notifications.py). EMAIL_URL
# says it in one variable (smtp://user:password@host:587/?tls=true; smtps:// for TLS from
# the first byte; console:// prints them); else Django's own EMAIL_HOST, EMAIL_PORT,
# EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS, EMAIL_USE_SSL. With neither,
# development prints each email on the console and production hands them to the mail
# server on localhost:25. Tests use Django's in-memory outbox. The emails are sent while
# the request that caused them finishes, so a mail server that hangs is given up on after
# EMAIL_TIMEOUT seconds.
EMAIL_SCHEMES = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtps": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
}


def email_settings(url, timeout=10):
    """Django's EMAIL_* settings from an EMAIL_URL (user and password percent-encoded)."""
    parts = urlsplit(url)
    if parts.scheme not in EMAIL_SCHEMES:
        raise ImproperlyConfigured(
            f"EMAIL_URL must start with {', '.join(f'{name}://' for name in EMAIL_SCHEMES)}."
        )
    options = {key.lower(): value.lower() for key, value in parse_qsl(parts.query)}
    ssl = parts.scheme == "smtps" or options.get("ssl") in {"1", "true", "yes", "on"}
    tls = options.get("tls") in {"1", "true", "yes", "on"}
    if ssl and tls:
        raise ImproperlyConfigured("EMAIL_URL: use either TLS (tls=true) or SSL (smtps://).")
    try:
        port = parts.port
        timeout = int(options.get("timeout", timeout))
    except ValueError as error:
        raise ImproperlyConfigured(f"EMAIL_URL: {error}.") from error
    return {
        "EMAIL_BACKEND": EMAIL_SCHEMES[parts.scheme],
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": port or (465 if ssl else 587 if tls else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": tls,
        "EMAIL_USE_SSL": ssl,
        "EMAIL_TIMEOUT": timeout,
    }


EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
if os.environ.get("EMAIL_URL"):
    globals().update(email_settings(os.environ["EMAIL_URL"], EMAIL_TIMEOUT))
else:
    EMAIL_BACKEND = EMAIL_SCHEMES[
        "smtp" if PRODUCTION or os.environ.get("EMAIL_HOST") else "console"
    ]
    EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_flag("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = env_flag("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", f"{SITE_NAME} <webmaster@localhost>")

# One line per event: Django's own loggers pass their records up to the root handler
# instead of printing them a second time with theirs. runserver's request lines stay.
LOG_LEVEL = os.environ.get("LOG_LEVEL", "WARNING")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "line": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "line"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
    },
}
