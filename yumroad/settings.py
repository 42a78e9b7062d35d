"""Yumroad settings: one module, configured from the environment.

Every value has a safe development default so `make run` needs no set-up;
production sets DJANGO_DEBUG=false and must then provide DJANGO_SECRET_KEY.
The variables are documented in README.md.
"""

from datetime import timedelta
from email.utils import parseaddr
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.contrib.messages import constants as message_constants
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=True)

# Without DEBUG there is no default: environ raises ImproperlyConfigured,
# "Set the DJANGO_SECRET_KEY environment variable", and start-up stops.
SECRET_KEY = env.str(
    "DJANGO_SECRET_KEY",
    default="django-insecure-development-only-key" if DEBUG else environ.Env.NOTSET,
)

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

# The HTTPS-only settings go together; DJANGO_HTTPS=false serves plain HTTP
# (loopback behind a test tool). Behind a TLS-terminating proxy keep them on
# and set DJANGO_SECURE_PROXY_SSL_HEADER=true: the proxy's X-Forwarded-Proto
# tells Django the visitor used HTTPS. Only with a proxy that sets (or strips)
# that header itself, or any client could claim HTTPS.
HTTPS = env.bool("DJANGO_HTTPS", default=not DEBUG)
if env.bool("DJANGO_SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = HTTPS
# The load balancer asks each server directly, over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Django's own widget templates, for FORM_RENDERER below.
    "django.forms",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "accounts",
    "products",
    "orders",
    "dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CsrfViewMiddleware, which reads the body of every POST.
    "yumroad.request_limits.RequestLimitsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "yumroad.middleware.private_cache_for_users",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into our lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "yumroad.urls"
# Where the admin lives: a path of your own keeps it out of the scanners'
# way (it stays behind its login either way).
ADMIN_URL = env.str("DJANGO_ADMIN_URL", default="admin/").strip("/") + "/"
if ADMIN_URL == "/":
    raise ImproperlyConfigured(
        "DJANGO_ADMIN_URL must not be empty: the admin cannot be the home page."
    )

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
                "orders.context_processors.payment_mode",
                "products.context_processors.catalog",
            ],
        },
    },
]

# Widgets render through TEMPLATES, so a widget template of ours
# (templates/widgets/) is found like any other.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

WSGI_APPLICATION = "yumroad.wsgi.application"

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Reuse each worker's connection instead of opening one per request (on
# PostgreSQL that halved throughput); `?conn_max_age=` in DATABASE_URL wins.
DATABASES["default"].setdefault("CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the task worker write at once: WAL lets readers go
    # on during a write, IMMEDIATE takes the write lock when a transaction
    # starts (so it waits its turn instead of failing half-way), and the
    # timeout is how long it waits, in seconds.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )

CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
# Templates' {% cache %} blocks look for this alias first, on every render:
# the same cache under that name spares them a failed lookup each time.
CACHES["template_fragments"] = CACHES["default"]

vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="Yumroad <noreply@yumroad.test>")
# Emails are sent by tasks, outside any request: links in them start with this.
SITE_URL = env.str("DJANGO_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")


def parse_admins(value):
    """ "Ann <ann@example.com>, bob@example.com" as Django's (name, email) pairs."""
    admins = []
    for entry in filter(None, (part.strip() for part in value.split(","))):
        name, email = parseaddr(entry)
        if "@" not in email:
            raise ImproperlyConfigured(f"DJANGO_ADMINS: {entry!r} is not an email address.")
        admins.append((name, email))
    return admins


# Who gets an email for each server error (with its traceback); nobody unless set.
ADMINS = parse_admins(env.str("DJANGO_ADMINS", default=""))
SERVER_EMAIL = DEFAULT_FROM_EMAIL

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "products:index"
LOGOUT_REDIRECT_URL = "products:index"

# django-axes checks each login (ours and the admin's) before the password
# does; Django's model backend (ours loads a user with one SQL statement)
# then logs people in.
AUTHENTICATION_BACKENDS = [
    "accounts.lockout.LockoutBackend",
    "accounts.backends.ModelBackend",
]
# Django's database sessions, read with one SQL statement (yumroad/sessions.py).
SESSION_ENGINE = "yumroad.sessions"
# Login throttling: 5 wrong passwords for one email from one address lock
# that pair for 15 minutes after the last try (an attacker elsewhere cannot
# lock the owner out); a successful login forgets the failures. Failures are
# kept in the database; `manage.py axes_reset` clears them (see README.md).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "accounts.lockout.attempted_email"
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
# No row per successful login: only failures are kept, and only until they expire.
AXES_DISABLE_ACCESS_LOG = True
# Behind proxies that append the visitor's address to X-Forwarded-For, how
# many: the address is then read from that header. 0 trusts no header.
PROXY_COUNT = env.int("DJANGO_PROXY_COUNT", default=0)

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"

# Uploaded pictures. Development serves them through Django; in production
# the web server in front of gunicorn serves MEDIA_URL from this directory.
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")

# The largest request body a page takes unless it allows more for uploads
# (yumroad.request_limits), and what Django keeps in memory of a form without
# files: Django's own default, written out because the web server's
# client_max_body_size is set to match the largest upload (README).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# The files creators sell: outside MEDIA_ROOT, so no URL serves them; only
# the download view, after checking the order, hands them out.
PRIVATE_ROOT = env.path("DJANGO_PRIVATE_ROOT", default=BASE_DIR / "private")
# Opt-in for production behind nginx: the download view answers with
# X-Accel-Redirect to this internal location instead of sending the bytes.
PRIVATE_X_ACCEL_PREFIX = env.str("DJANGO_PRIVATE_X_ACCEL_PREFIX", default="")

# Several app servers share their files on S3-compatible object storage
# (django-storages; boto3 finds the keys in AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY or the machine's role). Pictures, and anything else
# in the default storage, live under public/ and are served by the bucket (or
# AWS_S3_CUSTOM_DOMAIN, a CDN) with a year's caching: every upload gets a new
# generated name. Product files live under private/, in their own bucket if
# AWS_PRIVATE_STORAGE_BUCKET_NAME is set, and leave only through links that
# the download view signs and that expire within minutes.
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
PRIVATE_STORAGE_PRESIGNED = bool(AWS_STORAGE_BUCKET_NAME)
PRIVATE_DOWNLOAD_EXPIRY = timedelta(minutes=5)
if AWS_STORAGE_BUCKET_NAME:
    s3_options = {
        "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default=None),
        "region_name": env.str("AWS_S3_REGION_NAME", default=None),
        # Signed links that every region and S3-compatible service accepts.
        "signature_version": "s3v4",
        # The bucket's own settings (Object Ownership) decide who reads what.
        "default_acl": None,
    }
    public_media_domain = env.str("AWS_S3_CUSTOM_DOMAIN", default=None)
    media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **s3_options,
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "location": "public",
            "custom_domain": public_media_domain,
            "querystring_auth": False,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
    private_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **s3_options,
            "bucket_name": env.str(
                "AWS_PRIVATE_STORAGE_BUCKET_NAME", default=AWS_STORAGE_BUCKET_NAME
            ),
            "location": "private",
            "querystring_auth": True,
            "querystring_expire": int(PRIVATE_DOWNLOAD_EXPIRY.total_seconds()),
        },
    }
    # Where pages load pictures from, for the Content-Security-Policy below.
    if public_media_domain:
        MEDIA_ORIGIN = f"https://{public_media_domain}"
    elif s3_options["endpoint_url"]:
        MEDIA_ORIGIN = s3_options["endpoint_url"].rstrip("/")
    else:
        MEDIA_ORIGIN = "https://*.amazonaws.com"
else:
    media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    private_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_ROOT},
    }
    MEDIA_ORIGIN = None

STORAGES = {
    "default": media_storage,
    "private": private_storage,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "yumroad.staticfiles.StaticFilesStorage"
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CSRF_FAILURE_VIEW = "yumroad.views.csrf_failure"

# Bootstrap calls the error alert "danger".
MESSAGE_TAGS = {message_constants.ERROR: "danger"}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Payments: our own `test` provider (no money moves) or Stripe Checkout. No
# default in production, so no live site takes test "payments" by accident.
PAYMENT_PROVIDERS = ["test", "stripe"]
PAYMENT_PROVIDER = env.str("PAYMENT_PROVIDER", default="test" if DEBUG else environ.Env.NOTSET)
if PAYMENT_PROVIDER not in PAYMENT_PROVIDERS:
    raise ImproperlyConfigured(
        f"PAYMENT_PROVIDER must be one of {', '.join(PAYMENT_PROVIDERS)}, not {PAYMENT_PROVIDER!r}."
    )
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="https://api.stripe.com")
_stripe_key_default = environ.Env.NOTSET if PAYMENT_PROVIDER == "stripe" else ""
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default=_stripe_key_default)
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default=_stripe_key_default)

# Content-Security-Policy (django-csp), enforced: scripts, styles and
# everything else come from this site only, so no inline script or style=
# attribute runs (they live in static/). data: images are Bootstrap's: its
# CSS draws the select arrow, checkboxes and navbar toggler as data: SVGs.
# Pictures on object storage come from its origin (MEDIA_ORIGIN).
# Browsers apply form-action to the redirect after a form post too, so the
# checkout's redirect to Stripe's page needs its origin.
STRIPE_CHECKOUT_ORIGIN = "https://checkout.stripe.com"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *([MEDIA_ORIGIN] if MEDIA_ORIGIN else [])],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF, *([STRIPE_CHECKOUT_ORIGIN] if PAYMENT_PROVIDER == "stripe" else [])],
    },
}
# Permissions-Policy (django-permissions-policy): the browser features this
# site never uses are off for it and for anything it could embed. Stripe
# Checkout is a redirect to Stripe's page, not an in-page payment request.
# Only names Chromium knows: it warns about any other in the console.
PERMISSIONS_POLICY = {
    feature: []
    for feature in [
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "interest-cohort",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    ]
}

# Background work (emails): at once in the same process while developing;
# queued in the database for `manage.py db_worker` in production (any number
# of them, on any machine: each takes a task with SELECT ... FOR UPDATE SKIP
# LOCKED on PostgreSQL); or queued in Redis for RQ's workers (`manage.py
# rqworker --job-class django_tasks_rq.Job`). The task code is the same.
TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
}
TASKS_BACKEND = env.str("TASKS_BACKEND", default="immediate" if DEBUG else "database")
if TASKS_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND must be one of {', '.join(TASK_BACKENDS)}, not {TASKS_BACKEND!r}."
    )
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASKS_BACKEND]}}
if TASKS_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": env.str("TASKS_REDIS_URL")}}

# Logs go to stderr, where gunicorn, systemd or the container keeps them: a
# server error's traceback (django.request), security warnings such as a
# refused host or CSRF failure (django.security), each task the worker runs
# (django_tasks, django_tasks_db) and this site's own apps at INFO. With
# DJANGO_ADMINS set, every error is emailed to them too.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "formatters": {
        "plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"},
    },
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "formatter": "plain"},
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {
        "handlers": ["stderr", "mail_admins"] if ADMINS else ["stderr"],
        "level": "WARNING",
    },
    "loggers": {
        # Replaces Django's own handlers (console only with DEBUG, mail_admins
        # always): everything reaches the root's handlers once.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        # A 4xx is a WARNING here; the server's access log has those already.
        "django.request": {"level": "ERROR"},
        **{
            name: {"level": "INFO"}
            for name in [
                "django_tasks",
                "django_tasks_db",
                "accounts",
                "products",
                "orders",
                "dashboard",
                "yumroad",
            ]
        },
    },
}

# Error reports to Sentry, only when SENTRY_DSN is set (the tests unset it).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration()],
        # Buyers' emails, cookies and form data stay here.
        send_default_pii=False,
    )
