"""Configure breachdesk from the environment, and nothing else.

Every value is read from an environment variable and parsed strictly: a value that cannot be parsed stops start-up
with an ``ImproperlyConfigured`` error that names the variable. Secrets may also be given as ``NAME_FILE``, the path
of a file that holds the value. The production variables are listed in ``docs/operations.md``.
"""

from __future__ import annotations

import base64
import ipaddress
import os
import secrets
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

# --------------------------------------------------------------------------------------------------------------------
# Strict parsers
# --------------------------------------------------------------------------------------------------------------------
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    if value is None:
        return None
    return value.strip()


def envbool(name: str, default: bool) -> bool:
    """Return the boolean in ``name``; accept only true/false, yes/no, on/off and 1/0."""
    value = _raw(name)
    if value is None or value == "":
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean: use true or false.")


def envint(name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """Return the integer in ``name``, checked against its bounds."""
    value = _raw(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} is below the minimum of {minimum}.")
    if maximum is not None and number > maximum:
        raise ImproperlyConfigured(f"{name}={number} is above the maximum of {maximum}.")
    return number


def envstr(name: str, default: str = "", *, choices: tuple[str, ...] | None = None) -> str:
    """Return the string in ``name``; when ``choices`` is given the value must be one of them."""
    value = _raw(name)
    if value is None or value == "":
        return default
    if choices is not None and value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} must be one of: {', '.join(choices)}.")
    return value


def envlist(name: str, default: list[str]) -> list[str]:
    """Return the comma-separated list in ``name``, without empty entries."""
    value = _raw(name)
    if value is None:
        return default
    return [part.strip() for part in value.split(",") if part.strip()]


def envsecret(name: str) -> str | None:
    """Return the secret in ``name`` or in the file named by ``name_FILE``; both set is an error."""
    direct = _raw(name)
    file_name = _raw(f"{name}_FILE")
    if direct and file_name:
        raise ImproperlyConfigured(f"Set either {name} or {name}_FILE, not both.")
    if file_name:
        path = Path(file_name)
        try:
            content = path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={file_name!r} cannot be read: {exc.strerror}.") from None
        if not content:
            raise ImproperlyConfigured(f"{name}_FILE={file_name!r} is empty.")
        return content
    return direct or None


def _secret_file(path: Path, make: bytes) -> str:
    """Return the content of ``path``; create it with mode 0600 holding ``make`` when it does not exist."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(make)
        print(f"breachdesk: created {path} (mode 0600); keep it safe and back it up.", file=sys.stderr)  # noqa: T201
    return path.read_text(encoding="ascii").strip()


# --------------------------------------------------------------------------------------------------------------------
# Paths and mode
# --------------------------------------------------------------------------------------------------------------------
SRC_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(envstr("BREACHDESK_VAR_DIR", str(Path.cwd() / "var"))).resolve()
NODE_MODULES_DIR = Path(envstr("BREACHDESK_NODE_MODULES", str(Path.cwd() / "node_modules"))).resolve()

DEBUG = envbool("DEBUG", False)
TESTING = envbool("BREACHDESK_TESTING", "pytest" in sys.modules)
HTTPS = envbool("BREACHDESK_HTTPS", False)

_secret_key = envsecret("SECRET_KEY")
if _secret_key is None:
    _secret_key = _secret_file(VAR_DIR / "secret-key", secrets.token_urlsafe(64).encode("ascii"))
elif len(_secret_key) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long.")
SECRET_KEY = _secret_key

# The master key wraps every incident's data key. 32 bytes, base64-encoded.
_master_key_text = envsecret("BREACHDESK_MASTER_KEY")
MASTER_KEY_SOURCE = "environment"
if _master_key_text is None:
    MASTER_KEY_PATH = VAR_DIR / "master.key"
    MASTER_KEY_SOURCE = str(MASTER_KEY_PATH)
    _master_key_text = _secret_file(MASTER_KEY_PATH, base64.b64encode(secrets.token_bytes(32)))
try:
    BREACHDESK_MASTER_KEY = base64.b64decode(_master_key_text, validate=True)
except ValueError:
    raise ImproperlyConfigured("BREACHDESK_MASTER_KEY is not valid base64.") from None
if len(BREACHDESK_MASTER_KEY) != 32:
    raise ImproperlyConfigured("BREACHDESK_MASTER_KEY must decode to exactly 32 bytes.")
# During a rotation (docs/operations.md) the previous master key still opens data keys not yet re-wrapped.
_previous_master_key_text = envsecret("BREACHDESK_MASTER_KEY_PREVIOUS")
BREACHDESK_MASTER_KEY_PREVIOUS: bytes | None = None
if _previous_master_key_text is not None:
    try:
        BREACHDESK_MASTER_KEY_PREVIOUS = base64.b64decode(_previous_master_key_text, validate=True)
    except ValueError:
        raise ImproperlyConfigured("BREACHDESK_MASTER_KEY_PREVIOUS is not valid base64.") from None
    if len(BREACHDESK_MASTER_KEY_PREVIOUS) != 32:
        raise ImproperlyConfigured("BREACHDESK_MASTER_KEY_PREVIOUS must decode to exactly 32 bytes.")

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

# --------------------------------------------------------------------------------------------------------------------
# Applications
# --------------------------------------------------------------------------------------------------------------------
INSTALLED_APPS = [
    # Django's admin, for superusers only (core/admin_site.py).
    "breachdesk.core.admin_site.BreachdeskAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_htmx",
    # Before django_tasks_db: its ``db_worker`` command is ours (a subclass that beats, reaps and finds work).
    "breachdesk.work",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "breachdesk.core",
    "breachdesk.incidents",
    "breachdesk.registry",
    "breachdesk.obligations",
    "breachdesk.inquiries",
    "breachdesk.campaigns",
    "breachdesk.costs",
    "breachdesk.notices",
    "breachdesk.scanner",
    "breachdesk.web",
    "breachdesk.api",
    "breachdesk.security",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # First of ours: every later step (rate limits, django-axes) sees the visitor's address, not the proxy's.
    "breachdesk.core.client_address.ClientAddressMiddleware",
    "breachdesk.core.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "breachdesk.core.security.RequireSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "breachdesk.core.errors.ApplicationErrorMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "breachdesk.urls"
WSGI_APPLICATION = "breachdesk.wsgi.application"
ASGI_APPLICATION = "breachdesk.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "breachdesk.web.context_processors.site",
            ],
        },
    }
]

# --------------------------------------------------------------------------------------------------------------------
# Database: SQLite (WAL) under var/ by default, PostgreSQL through DATABASE_URL
# --------------------------------------------------------------------------------------------------------------------
_database_url = envstr("DATABASE_URL")
if _database_url:
    try:
        _db = dj_database_url.parse(_database_url, conn_max_age=envint("DATABASE_CONN_MAX_AGE", 60, minimum=0))
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL cannot be parsed: {exc}") from None
    if _db.get("ENGINE") not in ("django.db.backends.postgresql", "django.db.backends.sqlite3"):
        raise ImproperlyConfigured("DATABASE_URL must name a postgresql:// or sqlite:// database.")
    if not _db.get("NAME"):
        raise ImproperlyConfigured(
            "DATABASE_URL must name a database, for example postgresql://user@host:5432/breachdesk."
        )
    _db["CONN_HEALTH_CHECKS"] = True
    if _db["ENGINE"] == "django.db.backends.postgresql":
        # Django's backend, checking a persistent connection only after it rested (see core/postgresql/base.py).
        _db["ENGINE"] = "breachdesk.core.postgresql"
    DATABASES = {"default": dict(_db)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    _sqlite_file = VAR_DIR / "breachdesk.sqlite3"
    if not _sqlite_file.exists():
        # Created 0600 before SQLite opens it: SQLite gives its -wal and -shm files the database file's mode.
        os.close(os.open(_sqlite_file, os.O_WRONLY | os.O_CREAT, 0o600))
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "breachdesk.sqlite3"),
            "OPTIONS": {
                # WAL lets the desk read while the worker writes; IMMEDIATE avoids lock upgrades mid-transaction.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;"
                    # Overwrite deleted rows with zeros: otherwise a deleted or re-encrypted value stays readable in
                    # free pages of the file (and of every copy of it).
                    " PRAGMA secure_delete=ON;"
                ),
                "transaction_mode": "IMMEDIATE",
            },
            # Opening the file costs about 3 ms per request; keep connections like PostgreSQL does.
            "CONN_MAX_AGE": envint("DATABASE_CONN_MAX_AGE", 60, minimum=0),
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One cache per process (docs/operations.md): whatever is kept in it is keyed by stamps read from the database, so no
# process needs to tell another of a change. Room for the dashboard panels of many incidents, roles and languages
# (Django's default of 300 entries would push out the registry tallies and the public pages); the least recently
# used entries go first when it is full.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": envint("BREACHDESK_CACHE_ENTRIES", 5000, minimum=100, maximum=1_000_000)},
    }
}

# --------------------------------------------------------------------------------------------------------------------
# Background work
# --------------------------------------------------------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": envstr(
            "BREACHDESK_TASK_BACKEND",
            "django_tasks_db.DatabaseBackend",
            choices=(
                "django_tasks_db.DatabaseBackend",
                "django_tasks.backends.immediate.ImmediateBackend",
                "django_tasks_rq.RQBackend",
            ),
        ),
    }
}

# --------------------------------------------------------------------------------------------------------------------
# Authentication and security
# --------------------------------------------------------------------------------------------------------------------
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:incident_list"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    # Hashing is not what the suite tests; the production hasher would make every login take 0.3 s.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
BREACHDESK_REQUIRE_2FA = envbool("BREACHDESK_REQUIRE_2FA", True)
# Setting up a TOTP device needs a one-time enrolment code from a superuser or the incident's lead, valid this long.
BREACHDESK_ENROLMENT_GRANT_HOURS = envint("BREACHDESK_ENROLMENT_GRANT_HOURS", 72, minimum=1, maximum=24 * 30)

# Login throttling (django-axes): after BREACHDESK_LOGIN_FAILURE_LIMIT failed logins for one username from one
# address, that pair is locked out for BREACHDESK_LOGIN_COOLOFF_MINUTES; the page says so with status 429.
# AxesStandaloneBackend only checks the lockout (its authenticate() returns None when allowed), so Django's
# ModelBackend must follow it to check the password. (axes.backends.AxesBackend inherits ModelBackend but its
# authenticate() never reaches ModelBackend's: with it alone nobody can sign in.)
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_ENABLED = envbool("BREACHDESK_LOGIN_THROTTLE", True)
AXES_FAILURE_LIMIT = envint("BREACHDESK_LOGIN_FAILURE_LIMIT", 5, minimum=1, maximum=100)
AXES_COOLOFF_TIME = timedelta(minutes=envint("BREACHDESK_LOGIN_COOLOFF_MINUTES", 30, minimum=1, maximum=7 * 24 * 60))
# Besides the pair, failures from one address over all usernames are capped (core/login_lockout.py gives each set
# its own limit): BREACHDESK_LOGIN_IP_FAILURE_LIMIT, at least the per-username limit.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "breachdesk.core.login_lockout.LoginLockoutHandler"
BREACHDESK_LOGIN_IP_FAILURE_LIMIT = envint("BREACHDESK_LOGIN_IP_FAILURE_LIMIT", 30, minimum=1, maximum=10_000)
if BREACHDESK_LOGIN_IP_FAILURE_LIMIT < AXES_FAILURE_LIMIT:
    raise ImproperlyConfigured(
        f"BREACHDESK_LOGIN_IP_FAILURE_LIMIT={BREACHDESK_LOGIN_IP_FAILURE_LIMIT} must be at least "
        f"BREACHDESK_LOGIN_FAILURE_LIMIT={AXES_FAILURE_LIMIT} (failures from one address over all usernames)."
    )
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "security/lockout.html"
AXES_HTTP_RESPONSE_CODE = 429
# The client address is REMOTE_ADDR only (django-ipware is not installed, on purpose): a header such as
# X-Forwarded-For is chosen by the client and would let an attacker pick a fresh address for every guess.
# Failed logins are kept per username and address for the lockout; successful logins are not logged twice.
AXES_DISABLE_ACCESS_LOG = True
OTP_TOTP_ISSUER = envstr("BREACHDESK_OTP_ISSUER", "breachdesk")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = envint("BREACHDESK_SESSION_SECONDS", 8 * 3600, minimum=300)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = HTTPS and envbool("BREACHDESK_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = envint("BREACHDESK_HSTS_SECONDS", 31536000 if HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS and envbool("BREACHDESK_HSTS_PRELOAD", False)
# Joining the HSTS preload list binds every subdomain of the owner's domain for months: an owner's choice
# (BREACHDESK_HSTS_PRELOAD=true), so its deploy warning is silenced rather than forced on.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if envbool("BREACHDESK_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The reverse proxies in front (addresses or networks): behind them the visitor's address is read from
# X-Forwarded-For (``core.client_address``); from any other peer that header is ignored.
BREACHDESK_TRUSTED_PROXIES = envlist("BREACHDESK_TRUSTED_PROXIES", [])
for _proxy in BREACHDESK_TRUSTED_PROXIES:  # a bad entry stops start-up with its name
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"BREACHDESK_TRUSTED_PROXIES: {_proxy!r} is not an IP address or network (10.0.0.5, 10.0.0.0/8)."
        ) from None
# The receiving mail servers' authserv-ids: only their Authentication-Results header counts (empty: the topmost one).
BREACHDESK_AUTHSERV_IDS = envlist("BREACHDESK_AUTHSERV_IDS", [])
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("BREACHDESK_MAX_FORM_BYTES", 5 * 1024 * 1024, minimum=1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --------------------------------------------------------------------------------------------------------------------
# Language and time
# --------------------------------------------------------------------------------------------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [SRC_DIR / "locale"]
TIME_ZONE = envstr("BREACHDESK_TIME_ZONE", "Asia/Tokyo")
USE_I18N = True
USE_TZ = True

# --------------------------------------------------------------------------------------------------------------------
# Static files: our own assets plus front-end libraries installed from npm (never committed)
# --------------------------------------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Each front-end library installed by npm is exposed under static/vendor/<name>/ (nothing is copied into the repo).
_VENDOR = {"htmx": NODE_MODULES_DIR / "htmx.org" / "dist", "chartjs": NODE_MODULES_DIR / "chart.js" / "dist"}
STATICFILES_DIRS = [(f"vendor/{name}", path) for name, path in _VENDOR.items() if path.is_dir()]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not (DEBUG or TESTING)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = DEBUG or TESTING

# --------------------------------------------------------------------------------------------------------------------
# Mail
# --------------------------------------------------------------------------------------------------------------------
EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = envstr("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = envint("EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = envsecret("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be true.")
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 30, minimum=1)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "breachdesk@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --------------------------------------------------------------------------------------------------------------------
# Logging: plain lines on stderr; PII never goes into a log message
# --------------------------------------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {
        "handlers": ["stderr"],
        "level": envstr("LOG_LEVEL", "INFO", choices=("DEBUG", "INFO", "WARNING", "ERROR")),
    },
}

BREACHDESK_SITE_NAME = envstr("BREACHDESK_SITE_NAME", "breachdesk")
# Background work heals itself (docs/operations.md): each db_worker beats every BREACHDESK_WORKER_BEAT_SECONDS; one
# silent for BREACHDESK_WORKER_DEAD_AFTER seconds is dead and any live worker takes its work back.
BREACHDESK_WORKER_BEAT_SECONDS = envint("BREACHDESK_WORKER_BEAT_SECONDS", 5, minimum=1, maximum=60)
BREACHDESK_WORKER_DEAD_AFTER = envint("BREACHDESK_WORKER_DEAD_AFTER", 30, minimum=10, maximum=110)
if BREACHDESK_WORKER_DEAD_AFTER < 3 * BREACHDESK_WORKER_BEAT_SECONDS:
    raise ImproperlyConfigured(
        f"BREACHDESK_WORKER_DEAD_AFTER={BREACHDESK_WORKER_DEAD_AFTER} must be at least three heartbeats "
        f"(3 × BREACHDESK_WORKER_BEAT_SECONDS = {3 * BREACHDESK_WORKER_BEAT_SECONDS})."
    )
# Health: a running campaign or a pending acknowledgment that has not moved for this many seconds while work is due
# is "attention"; so is a task RUNNING for longer than BREACHDESK_TASK_RUNNING_LIMIT seconds.
BREACHDESK_STALL_AFTER = envint("BREACHDESK_STALL_AFTER", 300, minimum=30, maximum=86_400)
BREACHDESK_TASK_RUNNING_LIMIT = envint("BREACHDESK_TASK_RUNNING_LIMIT", 1800, minimum=60, maximum=86_400)
# How often one of the workers polls the desk mailboxes (IMAP).
BREACHDESK_MAILBOX_POLL_SECONDS = envint("BREACHDESK_MAILBOX_POLL_SECONDS", 20, minimum=5, maximum=3600)
# A campaign paused because its relay refused or could not be reached is probed after 15 s, doubling up to this.
BREACHDESK_RELAY_PROBE_MAX_SECONDS = envint("BREACHDESK_RELAY_PROBE_MAX_SECONDS", 300, minimum=15, maximum=3600)
# The public self-check's limits per hour: requests from one address, and checks of one email or member ID.
BREACHDESK_SELFCHECK_PER_IP_HOUR = envint("BREACHDESK_SELFCHECK_PER_IP_HOUR", 20, minimum=1, maximum=10_000)
# Result mails per registered address per hour (mails sent, never requests: a stranger cannot block a person's check).
BREACHDESK_SELFCHECK_PER_ADDRESS_HOUR = envint("BREACHDESK_SELFCHECK_PER_ADDRESS_HOUR", 3, minimum=1, maximum=100)
# Self-check requests per incident per hour, from everyone together.
BREACHDESK_SELFCHECK_PER_INCIDENT_HOUR = envint(
    "BREACHDESK_SELFCHECK_PER_INCIDENT_HOUR", 20_000, minimum=1, maximum=10_000_000
)
BREACHDESK_API_TOKEN_DAYS = envint("BREACHDESK_API_TOKEN_DAYS", 90, minimum=1, maximum=3650)
# The origin of the public pages (https://help.example.jp): links in mails (acknowledgments, deletion confirmations,
# self-check results) are made absolute with it, and outgoing text may link to its host. Empty: site-relative links.
BREACHDESK_PUBLIC_BASE_URL = envstr("BREACHDESK_PUBLIC_BASE_URL", "").rstrip("/")
if BREACHDESK_PUBLIC_BASE_URL:
    _public = urlsplit(BREACHDESK_PUBLIC_BASE_URL)
    if _public.scheme not in ("http", "https") or not _public.hostname or _public.query or _public.fragment:
        raise ImproperlyConfigured(
            f"BREACHDESK_PUBLIC_BASE_URL={BREACHDESK_PUBLIC_BASE_URL!r} must be an http(s) origin such as "
            "https://help.example.jp (no query or fragment)."
        )
# How many seconds a process may reuse a public page's state before it asks the database again (0 in tests: each
# test has its own data).
BREACHDESK_PUBLIC_STATE_SECONDS = envint("BREACHDESK_PUBLIC_STATE_SECONDS", 0 if TESTING else 1, minimum=0, maximum=60)
# The largest registry import file (bytes); the reader also counts the bytes while streaming. Default 2 GiB.
BREACHDESK_REGISTRY_MAX_FILE_BYTES = envint(
    "BREACHDESK_REGISTRY_MAX_FILE_BYTES", 2 * 1024**3, minimum=1024, maximum=64 * 1024**3
)
# From this import file size on, a forked process reads, validates and encrypts while the importer writes; a negative
# value never forks. Default 8 MiB.
BREACHDESK_REGISTRY_FORK_READER_BYTES = envint(
    "BREACHDESK_REGISTRY_FORK_READER_BYTES", 8 * 1024 * 1024, minimum=-1, maximum=64 * 1024**3
)
# Calls per API token per minute (counted in the database, shared by every web process); past it: 429 + Retry-After.
BREACHDESK_API_RATE_PER_MINUTE = envint("BREACHDESK_API_RATE_PER_MINUTE", 300, minimum=1, maximum=100_000)
