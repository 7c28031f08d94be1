"""Django settings for HoSo. Everything that differs between installations comes from the
environment (see docs/operations.md); the defaults run the embedded mode: SQLite in ./data,
local files, a local task worker, no external service."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url

from hoso.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("HOSO_DATA_DIR", str(BASE_DIR / "data"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    configured = env_str("HOSO_SECRET_KEY")
    if configured:
        return configured
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("HOSO_DEBUG", False)
ALLOWED_HOSTS = env_list("HOSO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("HOSO_CSRF_TRUSTED_ORIGINS", [])

# Demo mode: the demo province's password works and 2FA is not forced on demo accounts.
DEMO_MODE = env_bool("HOSO_DEMO_MODE", False)
DEMO_PASSWORD = "hoso-demo-2025"  # noqa: S105 — public by design, refused outside demo mode
# The day the demo province is built around (YYYY-MM-DD); empty: the day `hoso demo` runs.
DEMO_TODAY = env_str("HOSO_DEMO_TODAY", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "axes",
    "huey.contrib.djhuey",
    "hoso.core",
    "hoso.audit",
    "hoso.org",
    "hoso.accounts",
    "hoso.records",
    "hoso.signing",
    "hoso.signing.remote",
    "hoso.grading",
    "hoso.books",
    "hoso.ops",
    "hoso.search",
    "hoso.retention",
    "hoso.library",
    "hoso.schoollife",
    "hoso.offices",
    "hoso.webhooks",
    "hoso.drive_import",
    "hoso.families",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "hoso.core.request_cache.RequestCacheMiddleware",  # facts computed once per request
    "hoso.core.security.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "hoso.accounts.sso.csp.SsoFormActionMiddleware",  # the sign-in buttons' providers
    "django.contrib.sessions.middleware.SessionMiddleware",
    "hoso.core.locale.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "hoso.accounts.middleware.RequireTwoFactorMiddleware",
    "hoso.accounts.middleware.IpLockoutMiddleware",
    "axes.middleware.AxesMiddleware",
    "hoso.core.security.RateLimitMiddleware",
    "hoso.core.api_errors.ApiErrorMiddleware",  # any API exception → Vietnamese JSON
    "hoso.core.retry.DeadlockRetryMiddleware",  # last: wraps the view only
]

ROOT_URLCONF = "hoso.urls"
WSGI_APPLICATION = "hoso.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "hoso" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hoso.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'hoso.sqlite3'}"),
        conn_max_age=env_int("HOSO_DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer writes; IMMEDIATE avoids lock upgrades mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    # argon2id, 19 MiB a hash and one hash at a time per process (docs/decisions/0004)
    "hoso.accounts.hashers.BoundedArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "hoso.accounts.validators.NotDemoPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "hoso.accounts.backends.HosoModelBackend",
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "hoso" / "locale"]
# The language a person chose with the switch in every page's footer (Django's set_language,
# /i18n/setlang/) is kept a year in this cookie, read by hoso.core.locale; without it the pages
# are Vietnamese, whatever the browser asks for.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # tests and `make run` work without a separate collectstatic

# Digital signatures (hoso.signing, docs/signing.md): agent origin, trust anchors, TSA, level.
HOSO_SIGNER_AGENT_URL = env_str("HOSO_SIGNER_AGENT_URL", "http://127.0.0.1:17443")
HOSO_SIGNING_TRUST_ANCHORS = [p for p in env_str("HOSO_SIGNING_TRUST_ANCHORS", "").split(":") if p]
HOSO_SIGNING_INTERMEDIATES = [p for p in env_str("HOSO_SIGNING_INTERMEDIATES", "").split(":") if p]
HOSO_SIGNING_TSA_URL = env_str("HOSO_SIGNING_TSA_URL", "")
HOSO_SIGNING_LEVEL = env_str("HOSO_SIGNING_LEVEL", "")
HOSO_SIGNING_REVOCATION = env_str("HOSO_SIGNING_REVOCATION", "warn")  # or "refuse" (Sở setting)
# Personal private keys kept on the server (PKCS#12 file or the server's PKCS#11 token): off
# unless the Sở allows it; people sign with their USB token (HoSo Signer) or remotely. The demo
# province's people sign with demo keys on the server, so demo mode turns it on.
HOSO_SIGNING_PERSONAL_KEYS_ON_SERVER = env_bool("HOSO_SIGNING_PERSONAL_KEYS_ON_SERVER", DEMO_MODE)
HOSO_PKI_URL = env_str("HOSO_PKI_URL", "http://127.0.0.1:8790")  # demo PKI (hoso pki serve)
HOSO_ARCHIVE_RENEW_DAYS = int(env_str("HOSO_ARCHIVE_RENEW_DAYS", "365"))  # B-LTA renewal horizon

# Content-Security-Policy: no inline scripts, nothing from other sites, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        # The local signer agent (hoso-signer, USB token) answers on the person's own machine.
        "connect-src": ["'self'", HOSO_SIGNER_AGENT_URL],
    }
}
MEDIA_ROOT = DATA_DIR / "files"

LOGIN_URL = "/tai-khoan/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/tai-khoan/login/"

# Sessions end after inactivity and when the browser closes (shared school computers).
SESSION_COOKIE_AGE = env_int("HOSO_SESSION_SECONDS", 8 * 3600)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_ENGINE = "hoso.core.sessions"  # the same, without a write per request (see there)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
BEHIND_TLS = env_bool("HOSO_BEHIND_TLS", False)
SESSION_COOKIE_SECURE = BEHIND_TLS
CSRF_COOKIE_SECURE = BEHIND_TLS
LANGUAGE_COOKIE_SECURE = BEHIND_TLS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_TLS else None
SECURE_HSTS_SECONDS = 31536000 if BEHIND_TLS else 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# django-allauth: username login, Vietnamese templates of our own, TOTP + recovery codes.
SITE_ID = 1
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*"]
ACCOUNT_ADAPTER = "hoso.accounts.adapter.HosoAccountAdapter"
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = False
# django-axes does the real lockout (per account) and hoso.core.security limits sign-ins per
# address; allauth's own limits (its "login" 30/m per address among them) stay on with those
# and go off with them (HOSO_RATELIMIT=0, the load benchmarks: 50 simulated people, one address).
ACCOUNT_RATE_LIMITS = {"login_failed": "50/m/ip"} if env_bool("HOSO_RATELIMIT", True) else False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "HoSo"
MFA_RECOVERY_CODE_COUNT = 10
MFA_ADAPTER = "hoso.accounts.adapter.HosoMFAAdapter"
# Single sign-on (hoso.accounts.sso): each Sở configures its Microsoft Entra ID / Google
# Workspace client in HoSo (SsoProvider rows); nothing here names a tenant. Sign-in never
# creates an account: it links to the HoSo account with the same verified e-mail.
SOCIALACCOUNT_ADAPTER = "hoso.accounts.sso.adapter.HosoSocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # linking is ours, with its domain rule
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False  # the buttons POST: no sign-in started by a stray link
SOCIALACCOUNT_PROVIDERS = {
    # Our subclass sends a nonce and checks it, and always checks the ID token's signature.
    "openid_connect": {"provider_class": "hoso.accounts.sso.provider.HosoOIDCProvider"},
}
# An issuer on this machine (http://127.0.0.1:…) is refused unless allowed: the tests' own
# OpenID Connect provider runs on loopback.
HOSO_SSO_ALLOW_LOOPBACK_ISSUER = env_bool("HOSO_SSO_ALLOW_LOOPBACK_ISSUER", False)
# Personal API tokens expire after this many days (hoso.accounts.tokens).
HOSO_API_TOKEN_DAYS = env_int("HOSO_API_TOKEN_DAYS", 90)
# Roles whose holders must enrol a second factor before doing anything else.
HOSO_2FA_REQUIRED_ROLES = env_list(
    "HOSO_2FA_REQUIRED_ROLES", ["HT", "PHT", "VT", "CV_PHONG", "CV_SO", "QTHT"]
)

# django-axes: lock per account and, separately, per IP address.
AXES_FAILURE_LIMIT = env_int("HOSO_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("HOSO_LOCKOUT_MINUTES", 15))
# Per account here; per address (a higher limit: schools share one address) in
# hoso.accounts.lockout, checked by hoso.accounts.middleware.IpLockoutMiddleware.
AXES_LOCKOUT_PARAMETERS = ["username"]
# The per-address limit is ours (hoso.accounts.lockout), higher than axes' per-account one.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
HOSO_LOCKOUT_MINUTES = env_int("HOSO_LOCKOUT_MINUTES", 15)
HOSO_LOCKOUT_IP_FAILURES = env_int("HOSO_LOCKOUT_IP_FAILURES", 30)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "hoso.accounts.views.lockout_response"
AXES_USERNAME_FORM_FIELD = "login"
# allauth and the API authenticate with {"username": …}: count both faces against one account.
AXES_USERNAME_CALLABLE = "hoso.accounts.lockout.axes_username"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "hoso.accounts.authentication.ApiTokenAuthentication",
        # The browser's session, only once it has completed the second factor.
        "hoso.accounts.authentication.TwoFactorSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "hoso.core.api.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}
# JSON nested too deep is a 400, not a RecursionError (hoso/core/parsers.py).
REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"] = [
    "hoso.core.parsers.SafeJSONParser",
    "rest_framework.parsers.FormParser",
    "rest_framework.parsers.MultiPartParser",
]
SPECTACULAR_SETTINGS = {
    "TITLE": "HoSo API",
    "DESCRIPTION": "API của HoSo — hồ sơ sổ sách điện tử trường học",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Several apps have a "state" field: name each choice set (tests/security/test_api_schema.py
    # fails on any schema warning).
    "ENUM_NAME_OVERRIDES": {
        "RecordStateEnum": "hoso.records.models.RecordState",
        "WorkflowStateEnum": "hoso.records.models.WorkflowState",
        "RetentionProposalStateEnum": "hoso.retention.models.ProposalState",
        "LibraryProposalStateEnum": "hoso.library.models.ProposalState",
        "LibraryResourceStateEnum": "hoso.library.models.ResourceState",
        "DxMeasureKindEnum": "hoso.offices.models.MeasureKind",
        "WebhookDeliveryStatusEnum": "hoso.webhooks.models.DeliveryStatus",
    },
}

# Laying out PDFs and checking signatures (the học bạ of a class batch) over the machine's
# cores: hoso.core.cores. Processes beside the worker's own; 0: in the worker's own process.
HOSO_CPU_PROCESSES = env_int("HOSO_CPU_PROCESSES", max(min((os.cpu_count() or 1) - 1, 3), 0))

# Background work: huey on SQLite in the embedded mode, on Redis at scale. Same task code.
HUEY_REDIS_URL = env_str("HOSO_REDIS_URL")
HUEY_IMMEDIATE = env_bool("HOSO_TASKS_IMMEDIATE", False)
# Webhooks may call loopback, private, link-local and reserved addresses, and plain http: for a
# test receiver or a province's own network only (docs/webhooks.md).
WEBHOOKS_ALLOW_PRIVATE = env_bool("HOSO_WEBHOOKS_ALLOW_PRIVATE", False)
if HUEY_REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "hoso",
        "url": HUEY_REDIS_URL,
        "immediate": HUEY_IMMEDIATE,
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "hoso",
        "filename": str(DATA_DIR / "tasks.sqlite3"),
        "immediate": HUEY_IMMEDIATE,
    }

# The demo has no mail server: its e-mails are written as files under DATA_DIR/mail (one .log
# per batch) unless HOSO_EMAIL_BACKEND / HOSO_SMTP_HOST say otherwise.
_DEMO_MAIL = DEMO_MODE and not env_str("HOSO_SMTP_HOST", "")
EMAIL_BACKEND = env_str(
    "HOSO_EMAIL_BACKEND",
    "django.core.mail.backends.filebased.EmailBackend"
    if _DEMO_MAIL
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = str(DATA_DIR / "mail")
EMAIL_HOST = env_str("HOSO_SMTP_HOST", "127.0.0.1")
EMAIL_PORT = env_int("HOSO_SMTP_PORT", 25)
DEFAULT_FROM_EMAIL = env_str("HOSO_FROM_EMAIL", "hoso@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("HOSO_LOG_LEVEL", "WARNING")},
}

HOSO_IMPORT_MAX_ROWS = env_int("HOSO_IMPORT_MAX_ROWS", 20000)
HOSO_IMPORT_MAX_BYTES = env_int("HOSO_IMPORT_MAX_BYTES", 10 * 1024 * 1024)

# Operations (hoso.ops, docs/operations.md): daily backup, N kept, a second copy elsewhere
# (TT 02/2019/TT-BNV: two copies on independent media); breach notice deadline (docs/security.md).
HOSO_BACKUP_DIR = env_str("HOSO_BACKUP_DIR", str(DATA_DIR.parent / "hoso-backups"))
HOSO_BACKUP_SECOND_DIR = env_str("HOSO_BACKUP_SECOND_DIR", "")
HOSO_BACKUP_KEEP = env_int("HOSO_BACKUP_KEEP", 7)
HOSO_BACKUP_HOUR = env_int("HOSO_BACKUP_HOUR", 2)
# Stored files (hoso.storage, docs/operations.md §9): a local directory (DATA_DIR/blobs, the
# default) or `s3`, a bucket on S3-compatible object storage. Keys may come from *_FILE.
HOSO_BLOB_STORE = env_str("HOSO_BLOB_STORE", "local")
HOSO_S3_ENDPOINT_URL = env_str("HOSO_S3_ENDPOINT_URL")  # empty = AWS itself
HOSO_S3_BUCKET = env_str("HOSO_S3_BUCKET")
HOSO_S3_PREFIX = env_str("HOSO_S3_PREFIX", "blobs/")
HOSO_S3_REGION = env_str("HOSO_S3_REGION")
HOSO_S3_ACCESS_KEY_ID = env_str("HOSO_S3_ACCESS_KEY_ID")  # empty = boto3's own (AWS_*, role)
HOSO_S3_SECRET_ACCESS_KEY = env_str("HOSO_S3_SECRET_ACCESS_KEY")
HOSO_S3_SSE = env_str("HOSO_S3_SSE", "AES256")  # "off" where the store offers no encryption
HOSO_S3_CACHE_DIR = env_str("HOSO_S3_CACHE_DIR")  # empty = DATA_DIR/blob-cache
HOSO_S3_CACHE_HOURS = env_int("HOSO_S3_CACHE_HOURS", 24)
# Search (hoso.search, docs/operations.md §1): "embedded" (tantivy in DATA_DIR/search, one index
# per machine) or "postgres" (a table in the main database, shared by every web process).
HOSO_SEARCH_BACKEND = env_str("HOSO_SEARCH_BACKEND", "embedded")
# Time-stamp anchors of the audit chain, outside the database (hoso.audit.anchors); under
# DATA_DIR by default so that every backup copies them — better still on another medium too.
HOSO_AUDIT_ANCHOR_DIR = env_str("HOSO_AUDIT_ANCHOR_DIR", "")
HOSO_BREACH_NOTICE_HOURS = env_int("HOSO_BREACH_NOTICE_HOURS", 72)  # UNCONFIRMED, DOMAIN.md §7
# Per-client rate limits on login, token and upload endpoints (hoso/core/security.py).
RATELIMIT_ENABLE = env_bool("HOSO_RATELIMIT", True)
# Form and JSON bodies (files excluded): big enough for a grade grid, small enough to refuse floods.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("HOSO_MAX_BODY_BYTES", 2 * 1024 * 1024)

# Shared between processes: used TOTP codes must stay used in every web worker.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": HUEY_REDIS_URL}
        if HUEY_REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    )
}
