# Twinning Oriental — the instance configuration, with every setting at its default.
#
# Copy this file to instance/config.py and change what your deployment needs; any setting
# can also come from the environment as TWINNING_<NAME> (which wins over this file).
# Secrets never go in this file: give them in the environment —
#   TWINNING_SECRET_KEY       signs sessions and e-mailed links (required in production)
#   TWINNING_DATABASE_URL     postgresql://user:password@host/database (or DATABASE_URL)
#   TWINNING_MAIL_PASSWORD    the SMTP account's password
#   TWINNING_REDIS_URL        redis://:password@host:6379/0 for background jobs
# The instance folder itself moves with TWINNING_INSTANCE_PATH.

# "production" makes the checks strict: a secret key, PostgreSQL, cookies over HTTPS only.
ENV = "development"
# Production runs on PostgreSQL; SQLite there only when said so (one small server).
ALLOW_SQLITE_IN_PRODUCTION = False
# Reverse proxies whose X-Forwarded-For/-Proto/-Host to trust (1 behind nginx); 0: none.
PROXY_FIX_HOPS = 0
# A database connection unused for this many seconds is checked before use, so that one a
# restarted PostgreSQL closed meanwhile costs no error.
DATABASE_PING_AFTER_IDLE_S = 10.0
# The language of / when the browser names none of ar, fr, en, es.
BABEL_DEFAULT_LOCALE = "fr"
# Dates are shown in the Oriental's time.
BABEL_DEFAULT_TIMEZONE = "Africa/Casablanca"
# The API's pages: at most so many profiles, so many when not asked.
API_MAX_PER_PAGE = 100
API_DEFAULT_PER_PAGE = 20
# The largest request body accepted, beyond which a translated 413 page answers: no page takes
# a file (an import file from the command line is not limited).
MAX_CONTENT_LENGTH = 2 * 1024 * 1024
# Where the site is reached from outside: every link in an e-mail starts with it.
PUBLIC_URL = "http://127.0.0.1:5000"
# Cookies are out of reach of scripts and not sent by other sites' forms.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
REMEMBER_COOKIE_HTTPONLY = True
REMEMBER_COOKIE_SAMESITE = "Lax"
# How long signed links work, in seconds: confirming an address, a new password, invitations.
CONFIRM_LINK_MAX_AGE = 3 * 24 * 3600
RESET_LINK_MAX_AGE = 2 * 3600
INVITATION_LINK_MAX_AGE = 14 * 24 * 3600
# SMTP; without MAIL_SERVER the e-mails are written to <instance>/outbox (/dev/outbox).
MAIL_SERVER = ""
MAIL_PORT = 587
MAIL_USE_TLS = True  # STARTTLS on MAIL_PORT
MAIL_USE_SSL = False  # TLS from the first byte (usually port 465)
MAIL_USERNAME = ""
MAIL_PASSWORD = ""  # give it as TWINNING_MAIL_PASSWORD instead
MAIL_TIMEOUT = 20
MAIL_DEFAULT_SENDER = "Twinning Oriental <no-reply@twinning-oriental.example>"
# Where development e-mails are written ("": <instance>/outbox).
MAIL_OUTBOX_FOLDER = ""
# Background jobs (e-mails, digests, announcements, reindexing) go to Redis with RQ when
# REDIS_URL is set (redis://host:6379/0; give it as TWINNING_REDIS_URL if it holds a
# password) and `flask twinning worker` runs them; with "" they run at once, in the request.
REDIS_URL = ""
# The RQ queue's name (several sites may share one Redis under different names).
JOB_QUEUE = "twinning"
# A failed job is tried again so many times, after these many seconds in turn; then it is
# listed for admins at /<lang>/moderation/jobs with a button to try once more.
JOB_RETRIES = 3
JOB_RETRY_INTERVALS = (30, 300, 1800)
# A job running longer than this (seconds) is stopped and counts as failed.
JOB_TIMEOUT = 1800
# flask twinning send-pending hands again to the worker the e-mails written this many
# minutes ago and not sent (Redis was down when they were written, or every try failed).
PENDING_EMAIL_AFTER_MINUTES = 10
# flask twinning prune deletes the e-mails sent this many days ago (a digest job tried again
# later than that is refused: its e-mails could go out twice).
OUTGOING_EMAIL_KEEP_DAYS = 30
# ... and the matching index's change log older than this (a process that slept longer
# rebuilds its index, or loads its host's saved one, instead of applying what changed).
INDEX_CHANGE_KEEP_DAYS = 30
# An unanswered exchange request expires after so many days (flask twinning expire).
EXCHANGE_EXPIRY_DAYS = 30
# A declined pair may ask again for the same purpose after so many days.
EXCHANGE_COOLDOWN_DAYS = 90
# A newly published profile is announced to the organisations it matches at least so well.
NEW_PARTNER_THRESHOLD = 0.5
# The weekly digest: at most so many new partners per organisation, above this score.
DIGEST_SUGGESTIONS = 5
DIGEST_THRESHOLD = 0.35
# Stored best partners (pages listing many organisations) are computed again after so long.
STORED_SUGGESTIONS_MAX_AGE_DAYS = 7
# Working languages offered as boxes on the profile form (any ISO 639-1 code is accepted).
PROFILE_FORM_LANGUAGES = ("ar", "fr", "en", "es", "de", "it", "nl", "pt", "ca")
# The multilingual sentence encoder of the matching model ("" turns it off).
MATCHING_ENCODER = "use-multilingual-v3"
# BLAS threads for the encoder (0: one per core).
MATCHING_THREADS = 0
# The matching index's folder ("": <instance>/matching) — per host, rebuilt from the database.
MATCHING_INDEX_FOLDER = ""
# Sentence vectors kept by text hash ("": <index folder>/sentence-vectors.npz).
MATCHING_VECTOR_CACHE = ""
# Rate limits on log-in, registration, password reset, exchange requests and messages
# (POST only; Flask-Limiter syntax, "" for none): per client address, and per account for
# the groups that need a signed-in person. False turns them all off.
RATELIMIT_ENABLED = True
RATELIMIT_LOGIN = "10 per minute; 50 per hour"
RATELIMIT_REGISTER = "5 per hour; 20 per day"
RATELIMIT_PASSWORD_RESET = "5 per hour; 20 per day"
RATELIMIT_EXCHANGE_REQUEST = "30 per hour"
RATELIMIT_EXCHANGE_REQUEST_PER_USER = "10 per hour; 30 per day"
RATELIMIT_MESSAGE = "120 per hour"
RATELIMIT_MESSAGE_PER_USER = "60 per hour"
# Rate-limit counters: "" shares them in REDIS_URL's Redis when it is set, else keeps them in
# each process (one worker only); or another Redis, e.g. redis://127.0.0.1:6379/1.
RATELIMIT_STORAGE_URL = ""
# Where pg_dump/pg_restore live for flask twinning backup/restore ("": the PATH); their major
# version must match the server's, e.g. /usr/lib/postgresql/15/bin.
PG_BIN_DIR = ""
# Map tiles: any XYZ tile server (the map page lists the organisations without them too).
MAP_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
MAP_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
