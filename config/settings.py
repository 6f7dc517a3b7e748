"""Settings of the PRM portal, read from the environment (twelve-factor).

With nothing set the portal runs as a demo: SQLite file, Celery tasks inline, e-mail to the console.
`DATABASE_URL` switches to PostgreSQL, `REDIS_URL` to Redis as Celery broker, result backend and cache.
Every variable is listed in README.md ("Environment variables").
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.schedule import beat_schedule

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)

_DEV_SECRET = "dev-only-insecure-secret-key-do-not-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET if DEBUG else "")
if not DEBUG and (not SECRET_KEY or SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured("SECRET_KEY must be set to a random value of at least 50 characters when DEBUG is off.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# --- Reverse proxies (docs/proxies.md) --------------------------------------------------------------
# The number of reverse proxies in front of the portal that each append the address they got the request from
# to X-Forwarded-For. Every throttle, rate limit and recorded address takes the client from prm/clientip.py by
# this count: 0 (direct, the default) ignores the header; with 1 the hop the proxy appended is the client.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 (no proxy) or the number of trusted proxies.")
# Trusting a proxy's X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER below) implies a proxy: its client addresses
# must be trusted too, or every visitor would share the proxy's address and its rate limits.
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=TRUSTED_PROXY_COUNT > 0)
if BEHIND_PROXY and TRUSTED_PROXY_COUNT == 0:
    raise ImproperlyConfigured(
        "BEHIND_PROXY=true needs TRUSTED_PROXY_COUNT, the number of proxies that append the client's address to "
        "X-Forwarded-For (1 for one proxy); without it every client shares the proxy's address and rate limits."
    )
# allauth reads its own count; the portal's adapter hands it prm/clientip.py's address anyway.
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_htmx",
    "django_countries",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "prm",
    "accounts",
    "partners",
    "fx",
    "deals",
    "policy",
    "enablement",
    "mdf",
    "commissions",
    "analytics",
    "integrations",
    "receipts",
    "sla",
    "disputes",
    "availability",
    "portal",
    "directory",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "prm.middleware.DropNulCookiesMiddleware",  # before the session is read (docs/inputs.md)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "prm.middleware_upload.RequestBodyLimitMiddleware",  # oversize body: 413 before it is read (docs/hardening.md)
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Right after authentication: a session that did not pass the second factor is not logged in (docs/login.md).
    "accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "prm.guards.TerminatedPartnerMiddleware",  # docs/partner-status.md
    "prm.middleware.RefuseNulMiddleware",  # NUL in any input: 404/400 before a view runs (docs/inputs.md)
    "prm.idempotency.IdempotencyKeyMiddleware",
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "prm.context_processors.portal",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 5
else:
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Redis ------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="prm"),
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": 2,
                "SOCKET_TIMEOUT": 2,
                # The portal keeps serving pages when Redis is briefly away (docs/architecture.md).
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    DJANGO_REDIS_IGNORE_EXCEPTIONS = True
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "prm"}}

# --- Celery -------------------------------------------------------------------------------------
# Without Redis tasks run inline (eager); Celery still opens an in-memory producer, so it gets a host name
# (plain "memory://" makes kombu warn "No hostname was supplied" on every start).
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=25 * 60)
CELERY_TASK_DEFAULT_QUEUE = "prm"
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task whose worker died unacknowledged (acks_late) is redelivered after visibility_timeout seconds; keep it
# above the longest task. CELERY_BROKER_TRANSPORT_OPTIONS (JSON) overrides kombu's Redis options, e.g. the fault
# tests (tests/faults) shorten the timeout and its restore interval to see a redelivery after a SIGKILL.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 2 * 60 * 60,
    **env.json("CELERY_BROKER_TRANSPORT_OPTIONS", default={}),
}
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = beat_schedule(env)  # every periodic job of the portal, in one place

# Analytics (docs/analytics.md: Freshness): an event's partners are rolled up this many seconds after the first
# event of a burst, so a won deal shows in the KPIs within 30 seconds.
ANALYTICS_ROLLUP_DEBOUNCE_SECONDS = env.int("ANALYTICS_ROLLUP_DEBOUNCE_SECONDS", default=10)

# --- Auth, allauth, MFA -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "accounts.adapter.PortalAccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Partner Portal] "
# Login limits (docs/proxies.md), allauth's own, the same on POST /api/v1/auth/token/:
# - per account: from the 11th failed attempt for one e-mail within 15 minutes every login of that e-mail is
#   refused, right password or not (allauth's login_failed keyed by e-mail; wrong second-factor codes count per
#   user in the same action);
# - per address: more than 30 login submissions from one client address within a minute are refused (allauth's
#   login action). No failed-login count per address: allauth checks it before the password, so failures for
#   other e-mails from a shared address would lock out everyone there, right password and second factor too.
LOGIN_FAILED_LIMIT_PER_EMAIL = env.int("LOGIN_FAILED_LIMIT_PER_EMAIL", default=10)
LOGIN_FAILED_WINDOW = "15m"
LOGIN_LIMIT_PER_IP = env.int("LOGIN_LIMIT_PER_IP", default=30)
ACCOUNT_RATE_LIMITS = {
    "login_failed": f"{LOGIN_FAILED_LIMIT_PER_EMAIL}/{LOGIN_FAILED_WINDOW}/key",
    "login": f"{LOGIN_LIMIT_PER_IP}/m/ip",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_ADAPTER = "accounts.adapter.PortalMfaAdapter"
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="Partner Portal")
INVITATION_EXPIRY_DAYS = env.int("INVITATION_EXPIRY_DAYS", default=7)
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = False

# --- E-mail ---------------------------------------------------------------------------------------
# EMAIL_URL like smtp+tls://user:password@smtp.example.com:587; the default prints e-mail to the console.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Partner Portal <partners@example.com>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- REST API -------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["accounts.permissions.IsPortalUser"],
    # JSON in and out (the API doc: Conventions); the views that take uploads add MultiPartParser themselves.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "prm.api.StandardPagination",
    "PAGE_SIZE": 50,
    # django-filter, with true/false filters that refuse other values (prm/api.py).
    "DEFAULT_FILTER_BACKENDS": ["prm.api.StrictFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "prm.api_schema.PrmAutoSchema",
    "EXCEPTION_HANDLER": "prm.api.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["prm.api.UserApiThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "user": env.str("API_RATE_LIMIT", default="600/min"),
        "anon_form": env.str("ANON_FORM_RATE_LIMIT", default="20/hour"),
        # The public receipt check (page and API), per address (receipts/throttles.py).
        "receipt_verify": env.str("RECEIPT_VERIFY_RATE_LIMIT", default="60/hour"),
        # The deal registration form's "may already be registered" hint, per partner user (deals/hints.py).
        "deal_hint": env.str("DEAL_HINT_RATE_LIMIT", default="60/hour"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # DRF's own get_ident follows the same count (the portal's throttles use prm/clientip.py).
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "PRM portal API",
    "DESCRIPTION": "Public REST API v1 of the partner relationship management portal.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Shared error responses, Idempotency-Key and the front page of /api/docs/ (prm/api_schema.py).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "prm.api_schema.postprocess_schema"],
    # Several models have a `status`; name each choice set so the schema's enums stay stable.
    "ENUM_NAME_OVERRIDES": {
        "DealStatusEnum": "deals.models.DealStatus",
        "LeadStatusEnum": "deals.models.LeadStatus",
        "LeadSourceEnum": "deals.models.LeadSource",
        "DealSourceEnum": "deals.models.DealSource",
        "InfluenceKindEnum": "deals.models.InfluenceKind",
        "PartnerTypeEnum": "partners.models.PartnerType",
        "CourseKindEnum": "enablement.models.CourseKind",
        "CertificationKindEnum": "enablement.models.CertificationKind",
        "QuestionKindEnum": "enablement.models.QuestionKind",
        "CertificateStatusEnum": "enablement.models.CertificateStatus",
        "EnrolmentStatusEnum": "enablement.models.EnrolmentStatus",
        "FundStatusEnum": "mdf.models.FundStatus",
        "FundEntryKindEnum": "mdf.models.EntryKind",
        "PayoutStatusEnum": "commissions.models.BatchStatus",
        "CommissionEntryKindEnum": "commissions.models.EntryKind",
        "CommissionEntryStatusEnum": "commissions.models.EntryStatus",
        "WebhookSubscriptionStatusEnum": "integrations.models.SubscriptionStatus",
        "WebhookDeliveryStatusEnum": "integrations.models.DeliveryStatus",
    },
}

# --- Static and media -----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Uploaded files are private: they are never served from a public URL, only through views that check
# permissions (MDF proofs, dispute evidence, the content library).
MEDIA_URL = "/media-not-public/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# CSV imports (prm/imports.py): upload size and row limits, and how often progress is saved.
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=10 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=50_000)
IMPORT_PROGRESS_EVERY = env.int("IMPORT_PROGRESS_EVERY", default=200)

# --- Internationalisation and time ----------------------------------------------------------------
LANGUAGE_CODE = "en"
# Complete translations live in locale/<lang>/LC_MESSAGES (built by `make messages` from
# locale/fragments/*.json; docs/i18n.md). The picker in the navigation bar switches between them.
LANGUAGES = [("en", "English"), ("es", "Español"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True
# Fiscal year starts in this month (1 = January); quarters and periods derive from it (prm/periods.py).
FISCAL_YEAR_START_MONTH = env.int("FISCAL_YEAR_START_MONTH", default=1)

# --- Security -------------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
# A strict Content-Security-Policy: every script, style and font comes from our own static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# --- Logging --------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Portal ---------------------------------------------------------------------------------------
PORTAL_NAME = env.str("PORTAL_NAME", default="Partner Portal")
VENDOR_NAME = env.str("VENDOR_NAME", default="Northwind Software")
DEFAULT_CURRENCY = env.str("DEFAULT_CURRENCY", default="USD")
# KPI rollups rebuild this many months of history (plus the running month) on every run.
ANALYTICS_HISTORY_MONTHS = env.int("ANALYTICS_HISTORY_MONTHS", default=24)

# --- Market development funds ------------------------------------------------------------------
MDF_DEFAULT_REIMBURSEMENT_RATE = env.str("MDF_DEFAULT_REIMBURSEMENT_RATE", default="0.50")
MDF_CLAIM_WINDOW_DAYS = env.int("MDF_CLAIM_WINDOW_DAYS", default=60)
MDF_FUND_EXPIRY_DAYS = env.int("MDF_FUND_EXPIRY_DAYS", default=90)
MDF_EXPIRY_REMINDER_DAYS = env.int("MDF_EXPIRY_REMINDER_DAYS", default=30)
MDF_PROOF_MAX_MB = env.int("MDF_PROOF_MAX_MB", default=10)
MDF_PERIOD = env.str("MDF_PERIOD", default="quarter")  # "quarter" or "month": one fund per partner per period

# --- Enablement ---------------------------------------------------------------------------------
CERTIFICATE_VALIDITY_MONTHS = env.int("CERTIFICATE_VALIDITY_MONTHS", default=12)
ENABLEMENT_MAX_UPLOAD_MB = env.int("ENABLEMENT_MAX_UPLOAD_MB", default=25)

# --- Deal registration (docs/policy.md: rules of engagement; each is a setting) --------------------------
DEAL_MATCH_THRESHOLD = env.int("DEAL_MATCH_THRESHOLD", default=90)
DEAL_POSSIBLE_MATCH_THRESHOLD = env.int("DEAL_POSSIBLE_MATCH_THRESHOLD", default=80)
DEAL_EXTENSION_DAYS = env.int("DEAL_EXTENSION_DAYS", default=30)
DEAL_REMINDER_DAYS = env.list("DEAL_REMINDER_DAYS", cast=int, default=[14, 3])
DEAL_APPROVAL_SLA_BUSINESS_DAYS = env.int("DEAL_APPROVAL_SLA_BUSINESS_DAYS", default=2)
LEAD_ACCEPT_SLA_HOURS = env.int("LEAD_ACCEPT_SLA_HOURS", default=72)

# --- SLAs (docs/sla.md): the vendor's own decision times, in business days ----------------
# Deal registrations use the approval_sla_business_days of the rules-of-engagement version in force.
MDF_CLAIM_SLA_BUSINESS_DAYS = env.int("MDF_CLAIM_SLA_BUSINESS_DAYS", default=10)
COMMISSION_PAYOUT_SLA_BUSINESS_DAYS = env.int("COMMISSION_PAYOUT_SLA_BUSINESS_DAYS", default=5)
DISPUTE_SLA_BUSINESS_DAYS = env.int("DISPUTE_SLA_BUSINESS_DAYS", default=5)
DISPUTE_FILE_MAX_MB = env.int("DISPUTE_FILE_MAX_MB", default=10)
SLA_MEDIAN_WINDOW_DAYS = env.int("SLA_MEDIAN_WINDOW_DAYS", default=90)
SLA_MEDIAN_CACHE_SECONDS = env.int("SLA_MEDIAN_CACHE_SECONDS", default=600)

# --- Signing (docs/receipts.md): registration receipts and verifiable credentials --------------------------
# Ed25519 keys as "kid:base64url-32-byte-seed" entries, newest first; the first one signs. Keep retired
# keys' public halves published (receipts.SigningKey) so old receipts stay verifiable. Unset in
# development: a key is generated once into var/signing-keys.json (receipts/signing.py).
SIGNING_KEYS = env.list("SIGNING_KEYS", default=[])
SIGNING_KEY_FILE = env.str("SIGNING_KEY_FILE", default=str(BASE_DIR / "var" / "signing-keys.json"))

# --- Webhooks (docs/webhooks.md) -----------------------------------------------------------------
# Loopback and private-network URLs (and hosts resolving to them at delivery time) only in development.
WEBHOOKS_ALLOW_PRIVATE_URLS = env.bool("WEBHOOKS_ALLOW_PRIVATE_URLS", default=DEBUG)
WEBHOOK_PAUSE_AFTER = timedelta(hours=env.int("WEBHOOK_PAUSE_AFTER_HOURS", default=24))
WEBHOOK_TIMEOUT_SECONDS = env.int("WEBHOOK_TIMEOUT_SECONDS", default=10)

# --- Commissions ---------------------------------------------------------------------------------
COMMISSION_PAYOUT_BACKEND = env.str("COMMISSION_PAYOUT_BACKEND", default="commissions.payouts.CsvPayoutBackend")
COMMISSION_PAYOUT_CHUNK = env.int("COMMISSION_PAYOUT_CHUNK", default=1000)  # entries claimed per transaction
COMMISSION_PAYOUT_DAY = env.int("COMMISSION_PAYOUT_DAY", default=1)  # day of month the batches are gathered
FREE_MAIL_DOMAINS = env.list(
    "FREE_MAIL_DOMAINS",
    default=[
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "yahoo.co.uk",
        "hotmail.com",
        "outlook.com",
        "live.com",
        "msn.com",
        "aol.com",
        "icloud.com",
        "me.com",
        "mail.com",
        "gmx.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "proton.me",
        "protonmail.com",
        "yandex.ru",
        "mail.ru",
        "qq.com",
        "163.com",
        "orange.fr",
        "free.fr",
    ],
)
