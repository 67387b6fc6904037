"""carnet's one settings module.

Every value comes from the environment (see README, "Settings"); the defaults give the
embedded mode: SQLite and files under ``var/``, outboxes instead of real email/SMS/post.
"""

import datetime
import ipaddress
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from carnet.env import env_bool, env_choice, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("CARNET_DATA_DIR", str(BASE_DIR / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _embedded_secret_key() -> str:
    """The embedded mode keeps a generated key under var/ so sessions survive restarts."""
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env_bool("CARNET_DEBUG", False)
HTTPS = env_bool("CARNET_HTTPS", False)
SECRET_KEY = env_str("CARNET_SECRET_KEY") or _embedded_secret_key()
if HTTPS and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("CARNET_SECRET_KEY must be at least 50 characters in production")
ALLOWED_HOSTS = env_list("CARNET_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CARNET_CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("CARNET_SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "carnet.web.apps.OperatorAdminConfig",  # django.contrib.admin behind the second factor
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "oauth2_provider",
    "django_tasks",
    "django_tasks_db",
    "carnet.identity",
    "carnet.journal",
    "carnet.access",
    "carnet.vault",
    "carnet.records",
    "carnet.notify",
    "carnet.messaging",
    "carnet.stats",
    "carnet.research",
    "carnet.fhir",
    "carnet.agenda",
    "carnet.catalogue",
    "carnet.indexing",
    "carnet.web",
    "carnet.bench",
    "carnet.schedule",
    "carnet.ops",
]

MIDDLEWARE = [
    "carnet.ops.logs.RequestIdMiddleware",
    "carnet.ops.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "carnet.web.middleware.SecurityHeadersMiddleware",
    "carnet.fhir.middleware.FhirMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "carnet.web.middleware.RefusedMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "carnet.urls"
WSGI_APPLICATION = "carnet.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "carnet.web.context.service",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'carnet.sqlite3'}"),
        conn_max_age=env_int("CARNET_DB_CONN_MAX_AGE", 0),
    )
}
# Django's engines, wrapped so that journal entries are chained and written just before commit.
DATABASES["default"]["ENGINE"] = {
    "django.db.backends.sqlite3": "carnet.journal.backends.sqlite3",
    "django.db.backends.postgresql": "carnet.journal.backends.postgresql",
}.get(DATABASES["default"]["ENGINE"], DATABASES["default"]["ENGINE"])
if DATABASES["default"]["ENGINE"] == "carnet.journal.backends.sqlite3":
    # Django's default SQLite test database, said explicitly: pytest-django recognises engines by name.
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
    }
elif DATABASES["default"]["ENGINE"] == "carnet.journal.backends.postgresql":
    # Optional: parameters bound by the server, so psycopg prepares statements run often on a connection
    # (the policy's list filter is then planned once). Off by default: no gain was measured under load.
    DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = env_bool(
        "CARNET_PG_SERVER_SIDE_BINDING", False
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Several servers (carnet deploy-local, deploy/): a streaming standby for reads that tolerate lag
# (statistics), routed by carnet.ops.router; PgBouncer in transaction pooling mode needs Django's
# server-side cursors off.
if env_str("CARNET_STANDBY_DATABASE_URL"):
    DATABASES["standby"] = dj_database_url.parse(
        env_str("CARNET_STANDBY_DATABASE_URL"), conn_max_age=env_int("CARNET_DB_CONN_MAX_AGE", 0)
    )
    DATABASES["standby"]["ENGINE"] = DATABASES["default"]["ENGINE"]
    DATABASES["standby"]["TEST"] = {"MIRROR": "default"}
if env_bool("CARNET_DB_TRANSACTION_POOLING", False):
    for _database in DATABASES.values():
        _database["DISABLE_SERVER_SIDE_CURSORS"] = True
DATABASE_ROUTERS = ["carnet.ops.router.StandbyRouter"]
# A database or blob store that is away for a moment: 503 with this Retry-After (carnet.ops.unavailable).
CARNET_RETRY_AFTER_SECONDS = env_int("CARNET_RETRY_AFTER_SECONDS", 5)
# A task that met the blob store or the database away runs again after this, then twice as long each time.
CARNET_TASK_RETRY_SECONDS = env_int("CARNET_TASK_RETRY_SECONDS", 30)
CARNET_S3_TIMEOUT_SECONDS = env_int("CARNET_S3_TIMEOUT_SECONDS", 5)

AUTH_USER_MODEL = "identity.User"
LOGIN_URL = "/connexion/"
LOGIN_REDIRECT_URL = "/"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "carnet" / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Sessions and cookies: short sessions, secure cookies behind HTTPS.
SESSION_COOKIE_AGE = env_int("CARNET_SESSION_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("CARNET_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_HSTS_SECONDS = 63072000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS:
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# OAuth2 (FHIR API): every RFC 9700 (OAuth 2.0 Security BCP) recommendation on.
OAUTH2_PROVIDER = {
    "OAUTH2_VALIDATOR_CLASS": "carnet.fhir.oauth_validator.CarnetValidator",  # a replayed code revokes
    "PKCE_REQUIRED": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"] if HTTPS else ["http", "https"],
    "ACCESS_TOKEN_EXPIRE_SECONDS": env_int("CARNET_ACCESS_TOKEN_SECONDS", 15 * 60),
    "SCOPES": {
        "fhir": "API FHIR (logiciel professionnel)",
        "launch/patient": "savoir quel dossier est le vôtre",
        "patient/DocumentReference.rs": "lire vos documents de santé",
        "patient/DocumentReference.u": "masquer ou démasquer vos documents aux professionnels",
        "patient/AllergyIntolerance.rs": "lire vos allergies",
        "patient/Condition.rs": "lire vos maladies et antécédents",
        "patient/MedicationStatement.rs": "lire vos traitements",
        "patient/Immunization.rs": "lire vos vaccinations",
        "patient/Observation.rs": "lire vos mesures (poids, tension...)",
        "patient/AuditEvent.rs": "lire le journal des accès à votre dossier",
        "patient/Communication.rs": "lire vos messages de la messagerie sécurisée",
        "patient/Observation.c": "ajouter des mesures (poids, tension...)",
        "patient/DocumentReference.c": "ajouter des documents à votre dossier (signés par l'application)",
        "patient/Appointment.rs": "lire votre agenda",
        "patient/Appointment.cu": "ajouter et déplacer des rendez-vous dans votre agenda",
    },
    "DEFAULT_SCOPES": ["launch/patient"],
    **{
        f"COMPLIANT_BCP_RFC9700_{name}": True
        for name in (
            "IMPLICIT_GRANT",
            "PASSWORD_GRANT",
            "PKCE_METHOD",
            "ACCESS_TOKEN_TRANSPORT",
            "AUTHZ_RESPONSE_ISS",
            "TOKEN_STORAGE",
            "REFRESH_TOKEN",
            "REDIRECT_URI_SCHEME",
            "REDIRECT_URI_MATCHING",
            "PKCE_REQUIRED",
        )
    },
}

OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oauth2_provider.AccessToken"
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "oauth2_provider.RefreshToken"
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "oauth2_provider.IDToken"
OAUTH2_PROVIDER_GRANT_MODEL = "oauth2_provider.Grant"
OAUTH2_PROVIDER_DEVICE_GRANT_MODEL = "oauth2_provider.DeviceGrant"

# Email: SMTP in production; the embedded default writes to the outbox (notify app).
EMAIL_BACKEND = env_str("CARNET_EMAIL_BACKEND", "carnet.notify.backends.OutboxEmailBackend")
EMAIL_HOST = env_str("CARNET_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("CARNET_EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("CARNET_EMAIL_USER")
EMAIL_HOST_PASSWORD = env_str("CARNET_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("CARNET_EMAIL_TLS", True)
DEFAULT_FROM_EMAIL = env_str("CARNET_EMAIL_FROM", "carnet <ne-pas-repondre@carnet.invalid>")
CARNET_SMS_BACKEND = env_str("CARNET_SMS_BACKEND", "carnet.notify.sms.OutboxSmsBackend")

# Shared counters (sign-in rate limits): in the database by default, so every process and every server
# counts the same failures; any Django cache backend shared across processes will do (never LocMem).
CACHES = {
    "default": {
        "BACKEND": env_str("CARNET_CACHE_BACKEND", "django.core.cache.backends.db.DatabaseCache"),
        "LOCATION": env_str("CARNET_CACHE_LOCATION", "carnet_cache"),
    }
}
if "locmem" in CACHES["default"]["BACKEND"].lower() or "dummy" in CACHES["default"]["BACKEND"].lower():
    raise ImproperlyConfigured("CARNET_CACHE_BACKEND must be shared across processes (database, Redis...)")
CARNET_SIGN_IN_IP_FAILURES = env_int("CARNET_SIGN_IN_IP_FAILURES", 300)  # failures per address per window
CARNET_SIGN_IN_IP_WINDOW_MINUTES = env_int("CARNET_SIGN_IN_IP_WINDOW_MINUTES", 15)

# Background work: database queue (django-tasks-db); tests run tasks inline.
TASKS = {
    "default": {
        "BACKEND": env_str("CARNET_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        # notifications: a queue of their own, never behind indexing; indexing (NLP): its own worker too
        "QUEUES": ["default", "notifications", "indexing"],
    }
}

# Keys and content.
CARNET_KEY_DIR = Path(env_str("CARNET_KEY_DIR", str(DATA_DIR / "keys")))
CARNET_KEK_FILE = Path(env_str("CARNET_KEK_FILE", str(CARNET_KEY_DIR / "kek.json")))
CARNET_SIGNING_KEY_FILE = Path(
    env_str("CARNET_SIGNING_KEY_FILE", str(CARNET_KEY_DIR / "journal-ed25519.pem"))
)
CARNET_BLOB_STORE = env_choice("CARNET_BLOB_STORE", "file", {"file", "s3"})
CARNET_BLOB_DIR = Path(env_str("CARNET_BLOB_DIR", str(DATA_DIR / "blobs")))
CARNET_S3_ENDPOINT = env_str("CARNET_S3_ENDPOINT")
CARNET_S3_BUCKET = env_str("CARNET_S3_BUCKET", "carnet-blobs")
CARNET_S3_ACCESS_KEY = env_str("CARNET_S3_ACCESS_KEY")
CARNET_S3_SECRET_KEY = env_str("CARNET_S3_SECRET_KEY")
# Conditions and treatments found in documents (edsnlp): on by default; the built pipeline is cached here.
CARNET_INDEXING = env_bool("CARNET_INDEXING", True)
CARNET_NLP_CACHE_DIR = Path(env_str("CARNET_NLP_CACHE_DIR", str(DATA_DIR / "nlp-cache")))
# A blob no row references is removed once older than this (a younger one may be a deposit still running).
CARNET_BLOB_SWEEP_GRACE_HOURS = env_int("CARNET_BLOB_SWEEP_GRACE_HOURS", 24)
if CARNET_BLOB_SWEEP_GRACE_HOURS < 1:
    raise ImproperlyConfigured("CARNET_BLOB_SWEEP_GRACE_HOURS must be at least 1")
# Finished background tasks' rows (their arguments hold e-mail addresses and links) are kept this long;
# failed ones longer, to be looked into.
CARNET_TASK_RESULT_DAYS = env_int("CARNET_TASK_RESULT_DAYS", 7)
CARNET_FAILED_TASK_RESULT_DAYS = env_int("CARNET_FAILED_TASK_RESULT_DAYS", 30)
if min(CARNET_TASK_RESULT_DAYS, CARNET_FAILED_TASK_RESULT_DAYS) < 1:
    raise ImproperlyConfigured(
        "CARNET_TASK_RESULT_DAYS and CARNET_FAILED_TASK_RESULT_DAYS must be at least 1"
    )
# A printed letter's text and PDF (an activation code, a secure message) are kept this long for a reprint.
CARNET_PRINTED_LETTER_DAYS = env_int("CARNET_PRINTED_LETTER_DAYS", 30)
if CARNET_PRINTED_LETTER_DAYS < 1:
    raise ImproperlyConfigured("CARNET_PRINTED_LETTER_DAYS must be at least 1")
CARNET_MAX_UPLOAD_BYTES = env_int("CARNET_MAX_UPLOAD_MB", 20) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = CARNET_MAX_UPLOAD_BYTES * 2
FILE_UPLOAD_MAX_MEMORY_SIZE = CARNET_MAX_UPLOAD_BYTES

# Domain rules (domain.md): durations in days unless said otherwise.
CARNET_INVITATION_DAYS = env_int("CARNET_INVITATION_DAYS", 42)
CARNET_OPPOSITION_DAYS = env_int("CARNET_OPPOSITION_DAYS", 42)
CARNET_ARCHIVE_YEARS = env_int("CARNET_ARCHIVE_YEARS", 10)
CARNET_EARLY_DESTRUCTION_GRACE_DAYS = env_int("CARNET_EARLY_DESTRUCTION_GRACE_DAYS", 7)
CARNET_SUSPENSION_DAYS = env_int("CARNET_SUSPENSION_DAYS", 42)
CARNET_GRANT_MODE = env_choice("CARNET_GRANT_MODE", "declared", {"declared", "confirmed"})
CARNET_GRANT_EXPIRY_DAYS = env_int("CARNET_GRANT_EXPIRY_DAYS", 365)
# Public statistics: a run reads up to this many seconds ago (transactions still open are read next time).
CARNET_STATS_LAG_SECONDS = env_int("CARNET_STATS_LAG_SECONDS", 300)
CARNET_EMERGENCY_HOURS = env_int("CARNET_EMERGENCY_HOURS", 4)
CARNET_HIDDEN_WARN_DAYS = env_int("CARNET_HIDDEN_WARN_DAYS", 14)
CARNET_HIDDEN_MAX_DAYS = env_int("CARNET_HIDDEN_MAX_DAYS", 30)
CARNET_MANDATE_DAYS = env_int("CARNET_MANDATE_DAYS", 365)
CARNET_OTP_TTL_SECONDS = env_int("CARNET_OTP_TTL_SECONDS", 300)
CARNET_LOGIN_MAX_FAILURES = env_int("CARNET_LOGIN_MAX_FAILURES", 5)
CARNET_LOCKOUT_MINUTES = env_int("CARNET_LOCKOUT_MINUTES", 15)
CARNET_REAUTH_SECONDS = env_int("CARNET_REAUTH_SECONDS", 5 * 60)
# Secure messaging (MSSanté-style SMTP between allowed peers): the patients' addresses are
# <INS>@patient.<CARNET_MAIL_DOMAIN>; only the peers listed (domains or IP addresses) may deliver.
CARNET_MAIL_DOMAIN = env_str("CARNET_MAIL_DOMAIN", "carnet.invalid")
CARNET_SMTP_BIND = env_str("CARNET_SMTP_BIND", "127.0.0.1:8025")
CARNET_SMTP_PEERS = env_list("CARNET_SMTP_PEERS", [])
CARNET_SMTP_TLS_CERT = env_str("CARNET_SMTP_TLS_CERT")
CARNET_SMTP_TLS_KEY = env_str("CARNET_SMTP_TLS_KEY")
CARNET_SMTP_CLIENT_CA = env_str("CARNET_SMTP_CLIENT_CA")  # set: a peer is the listed operator its cert names
CARNET_SMTP_REQUIRE_TLS = env_bool("CARNET_SMTP_REQUIRE_TLS", False)
CARNET_SMTP_RELAY = env_str("CARNET_SMTP_RELAY", "")  # host:port that carries patients' replies out
CARNET_SMTP_RELAY_TLS = env_bool("CARNET_SMTP_RELAY_TLS", False)
# The public service's pages: help line, theme: carnet's own, or "neutre", a sober look after the State
# design system's public principles with none of its assets (the DSFR, its Marianne and its font are
# reserved to State sites under .gouv.fr approved by the SIG: carnet does not ship them).
CARNET_HELP_PHONE = env_str("CARNET_HELP_PHONE", "36 46")
CARNET_THEME = env_str("CARNET_THEME", "carnet")  # carnet | neutre
CARNET_PDF_FONT_DIR = env_str("CARNET_PDF_FONT_DIR", "/usr/share/fonts/truetype/dejavu")
if CARNET_THEME == "dsfr":
    raise ImproperlyConfigured(
        "CARNET_THEME=dsfr: carnet does not ship the State design system (its marks and font are reserved "
        "to State sites under .gouv.fr approved by the SIG); use 'neutre', or a State deployment's own "
        "DSFR templates"
    )
if CARNET_THEME not in {"carnet", "neutre"}:
    raise ImproperlyConfigured("CARNET_THEME must be 'carnet' or 'neutre'")
# OpenID Connect sign-in (carnet.identity.oidc): Pro Santé Connect for professionals, FranceConnect for
# patients; each is offered only when its issuer and client id are set.
CARNET_OIDC = {
    name: {
        "issuer": env_str(f"CARNET_{prefix}_ISSUER"),
        "client_id": env_str(f"CARNET_{prefix}_CLIENT_ID"),
        "client_secret": env_str(f"CARNET_{prefix}_CLIENT_SECRET"),
        "private_key_file": env_str(f"CARNET_{prefix}_PRIVATE_KEY_FILE"),
        "auth_method": env_str(
            f"CARNET_{prefix}_AUTH_METHOD",
            "private_key_jwt" if env_str(f"CARNET_{prefix}_PRIVATE_KEY_FILE") else "client_secret_basic",
        ),
        "scopes": env_str(f"CARNET_{prefix}_SCOPES", scopes),
        "acr_values": env_str(f"CARNET_{prefix}_ACR_VALUES", "eidas1"),
        "id_claim": env_str(f"CARNET_{prefix}_ID_CLAIM", claim),
        "id_prefix": env_str(f"CARNET_{prefix}_ID_PREFIX", id_prefix),
        "timeout": env_int(f"CARNET_{prefix}_TIMEOUT_SECONDS", 10),
    }
    for name, prefix, scopes, claim, id_prefix in (
        ("psc", "PSC", "openid scope_all", "SubjectNameID", "8"),
        (
            "franceconnect",
            "FRANCECONNECT",
            "openid given_name family_name birthdate gender birthplace",
            "",
            "",
        ),
    )
}
for _oidc in CARNET_OIDC.values():
    if _oidc["auth_method"] not in {"private_key_jwt", "client_secret_basic", "client_secret_post"}:
        raise ImproperlyConfigured("CARNET_*_AUTH_METHOD: private_key_jwt, client_secret_basic or _post")
CARNET_PRO_INVITATION_DAYS = env_int("CARNET_PRO_INVITATION_DAYS", 14)
# Benchmark-only: switches policy, journal and encryption off to measure their cost. Never in production.
CARNET_BENCH_INSECURE = env_bool("CARNET_BENCH_INSECURE", False)
if CARNET_BENCH_INSECURE and HTTPS:
    raise ImproperlyConfigured("CARNET_BENCH_INSECURE is for benchmarks only and refused with CARNET_HTTPS")

# Periodic work (carnet.schedule): a scheduler thread inside each task worker; occurrences are claimed.
CARNET_SCHEDULER = env_bool("CARNET_SCHEDULER", True)
CARNET_SCHEDULE_TICK_SECONDS = env_int("CARNET_SCHEDULE_TICK_SECONDS", 30)
CARNET_CHECKPOINT_PERIOD = datetime.timedelta(minutes=env_int("CARNET_CHECKPOINT_MINUTES", 5))
CARNET_DAILY_PERIOD = datetime.timedelta(hours=env_int("CARNET_DAILY_TASKS_HOURS", 24))
CARNET_STATS_PERIOD = datetime.timedelta(minutes=env_int("CARNET_STATS_REFRESH_MINUTES", 60))
if min(CARNET_CHECKPOINT_PERIOD, CARNET_DAILY_PERIOD, CARNET_STATS_PERIOD) <= datetime.timedelta(0):
    raise ImproperlyConfigured("the periods of the scheduled tasks must be positive")
# Each signed checkpoint is also written there: a directory, or s3://bucket/prefix (not the blobs' bucket).
CARNET_CHECKPOINT_COPY = env_str("CARNET_CHECKPOINT_COPY", str(DATA_DIR / "checkpoint-copies"))
if CARNET_CHECKPOINT_COPY.startswith("s3://") and (
    CARNET_CHECKPOINT_COPY[5:].split("/")[0] == CARNET_S3_BUCKET
):
    raise ImproperlyConfigured("CARNET_CHECKPOINT_COPY must be another bucket than CARNET_S3_BUCKET")
# The journal's independent hash chains (carnet.journal.chain): appends to different chains never wait.
CARNET_JOURNAL_CHAINS = env_int("CARNET_JOURNAL_CHAINS", 64)
if not 1 <= CARNET_JOURNAL_CHAINS <= 4096:
    raise ImproperlyConfigured("CARNET_JOURNAL_CHAINS must be between 1 and 4096")

# Observability (carnet.ops): /healthz, /readyz, /metrics (from these addresses, or with the bearer token).
CARNET_READY_MAX_BACKLOG = env_int("CARNET_READY_MAX_BACKLOG", 1000)
CARNET_METRICS_TOKEN = env_str("CARNET_METRICS_TOKEN", "")
try:
    CARNET_METRICS_ALLOWED = [
        ipaddress.ip_network(network, strict=False)
        for network in env_list("CARNET_METRICS_ALLOWED", ["127.0.0.1", "::1"])
    ]
except ValueError as error:
    raise ImproperlyConfigured(
        f"CARNET_METRICS_ALLOWED: addresses or networks, comma-separated ({error})"
    ) from None
CARNET_LOG_JSON = env_bool("CARNET_LOG_JSON", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "scrub": {"()": "carnet.logscrub.ScrubFilter"},
        "request_id": {"()": "carnet.ops.logs.RequestIdFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "carnet.ops.logs.ScrubbedJsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["scrub", "request_id"],
            "formatter": "json" if CARNET_LOG_JSON else "plain",
        },
    },
    "root": {
        "handlers": ["console"],
        "level": env_choice("CARNET_LOG_LEVEL", "INFO", {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}),
    },
    "loggers": {
        "django.db.backends": {"level": "WARNING", "propagate": True},
        # The PDF font subsetter logs, at INFO, the glyphs each letter uses: a trace of its text.
        "fontTools": {"level": "WARNING", "propagate": True},
    },
}
