"""liangpai settings: everything that differs between machines comes from the environment.

Variables (see README.md, "配置 / Configuration"):
  DEBUG, SECRET_KEY, DATABASE_URL, ALLOWED_HOSTS, CSRF_TRUSTED_ORIGINS, MEDIA_ROOT,
  SECURE_SSL (behind an HTTPS proxy), LANGUAGE_CODE, SESSION_IDLE_SECONDS.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from config.env import env, env_bool, env_list

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY 未设置：生产环境必须设置 SECRET_KEY（或在开发时设置 DEBUG=1）。"
            " / SECRET_KEY is required when DEBUG is off."
        )
    SECRET_KEY = "insecure-development-key-only-for-debug-mode"  # noqa: S105 -- DEBUG only

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "liangpai.accounts.admin_apps.LiangpaiAdminConfig",  # django.contrib.admin, with the second factor (T7)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks_db",
    "liangpai.core",
    "liangpai.accounts",
    "liangpai.regions",
    "liangpai.organisations",
    "liangpai.enterprises",
    "liangpai.imports",
    "liangpai.checklists",
    "liangpai.ratings",  # the storage label of the next five apps' models (liangpai/ratings/apps.py)
    "liangpai.rulesets",
    "liangpai.lights",
    "liangpai.interviews",
    "liangpai.grades",
    "liangpai.publication",
    "liangpai.assessments",
    "liangpai.periods",
    "liangpai.web",
    "liangpai.publicsite",
    "liangpai.api",
    "liangpai.demo",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so static files get the policy too (an SVG opened on its own is a document).
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "liangpai.core.middleware.SessionTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a refused sign-in into the lockout page
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "liangpai.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(env("CONN_MAX_AGE", default="0")),
    )
}
if test_db_name := env("DATABASE_TEST_NAME", default=""):
    DATABASES["default"]["TEST"] = {"NAME": test_db_name}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers queue instead of failing with "database is locked"; WAL lets readers go on.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# The password policy (SECURITY.md T7), applied wherever a password is set: the admin's user
# forms, the password change page, createsuperuser and changepassword.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": int(env("PASSWORD_MIN_LENGTH", default="10"))},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "liangpai.accounts.passwords.CommonPasswordVariantValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {
        "NAME": "liangpai.accounts.passwords.CharacterClassesValidator",
        "OPTIONS": {"min_classes": int(env("PASSWORD_MIN_CHARACTER_CLASSES", default="3"))},
    },
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions: idle timeout and absolute lifetime (SECURITY.md T7).
SESSION_IDLE_SECONDS = int(env("SESSION_IDLE_SECONDS", default="1800"))
SESSION_COOKIE_AGE = int(env("SESSION_ABSOLUTE_SECONDS", default=str(8 * 3600)))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Sign-in hardening (SECURITY.md T7; docs/login-security.md). LOGIN_FAILURE_LIMIT wrong passwords
# for one name within LOGIN_FAILURE_WINDOW_MINUTES lock that name (not an address: a town office
# shares one) for LOGIN_LOCKOUT_MINUTES, the right password included. axes records the attempts;
# the window and the lock are decided by liangpai.accounts.lockout (axes has one duration for both).
LOGIN_FAILURE_LIMIT = int(env("LOGIN_FAILURE_LIMIT", default="5"))
LOGIN_FAILURE_WINDOW_MINUTES = int(env("LOGIN_FAILURE_WINDOW_MINUTES", default="15"))
LOGIN_LOCKOUT_MINUTES = int(env("LOGIN_LOCKOUT_MINUTES", default="30"))
LOGIN_LOCKOUT_CONTACT = env("LOGIN_LOCKOUT_CONTACT", default="")  # whom a locked user calls, shown as given
# A header that the reverse proxy in front sets to the client's address (X-Real-IP, X-Forwarded-For);
# empty: the connection's address. Set it only behind such a proxy: clients can send any header.
TRUSTED_PROXY_IP_HEADER = env("TRUSTED_PROXY_IP_HEADER", default="")
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked name before its password is checked
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "liangpai.accounts.lockout.LockoutHandler"
# How axes groups its own attempt summaries (AccessAttempt, in the admin): by name and address.
# Its counter decides nothing here (AXES_LOCK_OUT_AT_FAILURE is off): the lock is by name.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_LOCK_OUT_AT_FAILURE = False  # the lock is LockoutHandler's, counted from the failure log
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)  # how long axes keeps its attempt summaries
AXES_CLIENT_IP_CALLABLE = "liangpai.accounts.lockout.client_ip"
AXES_LOCKOUT_CALLABLE = "liangpai.accounts.lockout.lockout_response"
AXES_VERBOSE = False  # no start-up banner on every manage.py command; the lock itself is logged
# The Django admin asks staff for a code from an authenticator app (TOTP) once per session.
ADMIN_REQUIRE_TOTP = env_bool("ADMIN_REQUIRE_TOTP", default=True)
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="Liangpai")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

LANGUAGE_CODE = env("LANGUAGE_CODE", default="zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Uploaded spreadsheets hold phone numbers: they are kept outside MEDIA_ROOT, never served.
PRIVATE_ROOT = Path(env("PRIVATE_ROOT", default=str(BASE_DIR / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "imports": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_ROOT / "imports"},
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Uploads: spreadsheets are read in memory-bounded ways; refuse anything huge early.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMPORT_MAX_BYTES = int(env("IMPORT_MAX_BYTES", default=str(30 * 1024 * 1024)))
IMPORT_MAX_ROWS = int(env("IMPORT_MAX_ROWS", default="50000"))
# Photos (liangpai.core.images): refused above these, and stored with the long side at most IMAGE_MAX_EDGE.
IMAGE_MAX_UPLOAD_BYTES = int(env("IMAGE_MAX_UPLOAD_BYTES", default=str(15 * 1024 * 1024)))
IMAGE_MAX_PIXELS = int(env("IMAGE_MAX_PIXELS", default="50000000"))
IMAGE_MAX_EDGE = int(env("IMAGE_MAX_EDGE", default="2560"))

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Security headers (SECURITY.md T12). Pages load nothing from other origins.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("SECURE_SSL", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # django-axes notes every sign-in at INFO; its records are in the database (and lockouts in the audit log).
    "loggers": {"django.db.backends": {"level": "INFO"}, "axes": {"level": env("AXES_LOG_LEVEL", default="WARNING")}},
}

#: Rows per page on list pages.
LIST_PAGE_SIZE = 50
