"""Who may reach what: every route and method of the site, and the answer each role gets.

Read by tests/test_access.py, which fails for a route of ``app.url_map`` without a row here:
a new page declares who may see it by adding its row. A row is ``"METHOD endpoint"``, or
``"METHOD endpoint @case"`` for the same route with other arguments (a pending profile,
a search). The answers are what a request with a valid session and CSRF token gets:

- a status code (POST rows send harmless data: a decision already taken, a wrong password,
  an action the exchange's state does not allow, so that every role meets the same rows);
- ``LOGIN``: sent to the log-in page (and back afterwards).

The roles: a visitor; an editor of organisation A (a commune of Berkane); the owner of
organisation B (a French association), who also keeps a pending profile; the owner of A,
who also keeps a rejected profile; a moderator; an admin. A and C (a Spanish federation)
have an exchange, with a thread; A had a partnership with D, archived since.
"""

from __future__ import annotations

LOGIN = "login"
ROLES = ("anonymous", "editor_a", "member_b", "owner_a", "moderator", "admin")
NOBODY = 999_999  # an id that names no row: the refusal is the same whether or not it does

MATRIX: dict[str, tuple[int | str, ...]] = {
    #                                              anon   ed_A   mem_B  own_A  mod    admin
    "GET root":                                   (302,   302,   302,   302,   302,   302),
    "GET static":                                 (200,   200,   200,   200,   200,   200),
    # read-only pages
    "GET web.home":                               (200,   200,   200,   200,   200,   200),
    "GET web.about":                              (200,   200,   200,   200,   200,   200),
    "GET web.privacy":                            (200,   200,   200,   200,   200,   200),
    "GET web.map_page":                           (200,   200,   200,   200,   200,   200),
    "GET web.directory":                          (200,   200,   200,   200,   200,   200),
    "GET web.directory @search-hidden":           (200,   200,   200,   200,   200,   200),
    "GET web.profile":                            (200,   200,   200,   200,   200,   200),
    "GET web.profile @pending":                   (404,   404,   200,   404,   200,   200),
    "GET web.profile @rejected":                  (404,   404,   404,   200,   200,   200),
    "GET web.profile @archived":                  (404,   404,   404,   404,   200,   200),
    "GET web.sectors":                            (200,   200,   200,   200,   200,   200),
    "GET web.sector":                             (200,   200,   200,   200,   200,   200),
    "GET web.places_index":                       (200,   200,   200,   200,   200,   200),
    "GET web.province":                           (200,   200,   200,   200,   200,   200),
    "GET web.country":                            (200,   200,   200,   200,   200,   200),
    "GET web.territory":                          (200,   200,   200,   200,   200,   200),
    # accounts
    "GET accounts.register":                      (200,   302,   302,   302,   302,   302),
    "POST accounts.register":                     (302,   302,   302,   302,   302,   302),
    "GET accounts.check_mailbox":                 (200,   200,   200,   200,   200,   200),
    "GET accounts.confirm":                       (400,   400,   400,   400,   400,   400),
    "GET accounts.unconfirmed":                   (LOGIN, 302,   302,   302,   302,   302),
    "POST accounts.resend_confirmation":          (LOGIN, 302,   302,   302,   302,   302),
    "GET accounts.login":                         (200,   200,   200,   200,   200,   200),
    "POST accounts.login":                        (200,   200,   200,   200,   200,   200),
    "GET accounts.logout":                        (200,   200,   200,   200,   200,   200),
    "POST accounts.logout":                       (302,   302,   302,   302,   302,   302),
    "GET accounts.reset":                         (200,   200,   200,   200,   200,   200),
    "POST accounts.reset":                        (200,   200,   200,   200,   200,   200),
    "GET accounts.reset_password":                (400,   400,   400,   400,   400,   400),
    "POST accounts.reset_password":               (400,   400,   400,   400,   400,   400),
    "GET accounts.change_password":               (LOGIN, 200,   200,   200,   200,   200),
    "POST accounts.change_password":              (LOGIN, 200,   200,   200,   200,   200),
    "GET accounts.change_email":                  (LOGIN, 200,   200,   200,   200,   200),
    "POST accounts.change_email":                 (LOGIN, 200,   200,   200,   200,   200),
    "GET accounts.confirm_email":                 (400,   400,   400,   400,   400,   400),
    "GET accounts.overview":                      (LOGIN, 200,   200,   200,   200,   200),
    "GET accounts.settings":                      (LOGIN, 200,   200,   200,   200,   200),
    "POST accounts.settings":                     (LOGIN, 302,   302,   302,   302,   302),
    "GET accounts.data":                          (LOGIN, 200,   200,   200,   200,   200),
    "GET accounts.delete":                        (LOGIN, 200,   200,   200,   200,   200),
    "POST accounts.delete":                       (LOGIN, 200,   200,   200,   200,   200),
    "GET accounts.unsubscribe":                   (400,   400,   400,   400,   400,   400),
    "POST accounts.unsubscribe":                  (400,   400,   400,   400,   400,   400),
    # writing profiles
    "GET profiles.new":                           (LOGIN, 200,   200,   200,   200,   200),
    "POST profiles.new":                          (LOGIN, 200,   200,   200,   200,   200),
    "GET profiles.edit":                          (LOGIN, 200,   403,   200,   200,   200),
    "POST profiles.edit":                         (LOGIN, 200,   403,   200,   200,   200),
    "GET profiles.edit @pending":                 (LOGIN, 404,   200,   404,   200,   200),
    "POST profiles.edit @rejected":               (LOGIN, 404,   404,   200,   200,   200),
    # who keeps a profile
    "GET memberships.members":                    (LOGIN, 403,   403,   200,   200,   200),
    "GET memberships.members @pending":           (LOGIN, 404,   200,   404,   200,   200),
    "POST memberships.invite":                    (LOGIN, 403,   403,   422,   422,   422),
    "POST memberships.invite @pending":           (LOGIN, 404,   422,   404,   422,   422),
    "POST memberships.remove":                    (LOGIN, 403,   403,   302,   302,   302),
    "POST memberships.set_role":                  (LOGIN, 403,   403,   302,   302,   302),
    "POST memberships.cancel_invitation":         (LOGIN, 403,   403,   302,   302,   302),
    "POST memberships.handover":                  (LOGIN, 403,   403,   302,   302,   302),
    "GET memberships.invitation":                 (200,   200,   200,   200,   200,   200),
    "POST memberships.invitation":                (400,   400,   400,   400,   400,   400),
    # moderation
    "GET moderation.queue":                       (LOGIN, 403,   403,   403,   200,   200),
    "POST moderation.approve":                    (LOGIN, 403,   403,   403,   303,   303),
    "POST moderation.reject":                     (LOGIN, 403,   403,   403,   303,   303),
    "POST moderation.archive":                    (LOGIN, 403,   403,   403,   303,   303),
    "POST moderation.restore":                    (LOGIN, 403,   403,   403,   303,   303),
    "GET moderation.history":                     (LOGIN, 403,   403,   403,   200,   200),
    "GET moderation.history @pending":            (LOGIN, 403,   403,   403,   200,   200),
    "POST moderation.reviewed":                   (LOGIN, 403,   403,   403,   303,   303),
    "GET moderation.archived":                    (LOGIN, 403,   403,   403,   200,   200),
    "GET moderation.users":                       (LOGIN, 403,   403,   403,   403,   200),
    "POST moderation.set_account_role":           (LOGIN, 403,   403,   403,   403,   303),
    "GET moderation.failed_jobs":                 (LOGIN, 403,   403,   403,   403,   200),
    "POST moderation.retry_job":                  (LOGIN, 403,   403,   403,   403,   303),
    # exchanges: only the two organisations' members see one (anybody else: 404)
    "GET exchanges.request_form":                 (LOGIN, 200,   200,   200,   200,   200),
    "POST exchanges.request_form":                (LOGIN, 422,   200,   422,   200,   200),
    "GET exchanges.request_form @pending":        (LOGIN, 404,   404,   404,   404,   404),
    "GET exchanges.index":                        (LOGIN, 200,   200,   200,   200,   200),
    "GET exchanges.detail":                       (LOGIN, 200,   404,   200,   404,   404),
    "POST exchanges.act":                         (LOGIN, 409,   404,   409,   404,   404),
    "POST exchanges.post_message":                (LOGIN, 303,   404,   303,   404,   404),
    # notifications: another person's is not opened (back to one's own list)
    "GET notifications.index":                    (LOGIN, 200,   200,   200,   200,   200),
    "POST notifications.read_all":                (LOGIN, 303,   303,   303,   303,   303),
    "POST notifications.open_one":                (LOGIN, 303,   303,   303,   303,   303),
    # the territory dashboard
    "GET dashboard.index":                        (LOGIN, 302,   403,   302,   403,   403),
    "GET dashboard.territory":                    (LOGIN, 200,   200,   200,   200,   200),
    "GET dashboard.territory @csv":               (LOGIN, 200,   200,   200,   200,   200),
    # the API is anonymous: a session changes nothing
    "GET api.get_openapi":                        (200,   200,   200,   200,   200,   200),
    "GET api.get_taxonomy":                       (200,   200,   200,   200,   200,   200),
    "GET api.list_profiles":                      (200,   200,   200,   200,   200,   200),
    "GET api.list_profiles @search-hidden":       (200,   200,   200,   200,   200,   200),
    "GET api.get_profile":                        (200,   200,   200,   200,   200,   200),
    "GET api.get_profile @pending":               (404,   404,   404,   404,   404,   404),
    "GET api.get_profile @rejected":              (404,   404,   404,   404,   404,   404),
    "GET api.get_matches":                        (200,   200,   200,   200,   200,   200),
    "GET api.get_matches @archived":              (404,   404,   404,   404,   404,   404),
    "GET api.get_partnerships":                   (200,   200,   200,   200,   200,   200),
    "GET api.get_partnerships @pending":          (404,   404,   404,   404,   404,   404),
    # development only (not registered in production: tests/test_mail.py)
    "GET outbox.index":                           (200,   200,   200,   200,   200,   200),
    "GET outbox.message":                         (200,   200,   200,   200,   200,   200),
    "GET outbox.message_html":                    (200,   200,   200,   200,   200,   200),
}

# The URL's arguments, from the fixtures (``w``): by row, else by endpoint and case. Keys
# that are not the route's own become its query string.
ARGUMENTS = {
    "static": lambda w: {"filename": "style.css"},
    "web.directory @search-hidden": lambda w: {"q": w.hidden_word},
    "web.profile": lambda w: {"slug": w.a},
    "web.profile @pending": lambda w: {"slug": w.pending},
    "web.profile @rejected": lambda w: {"slug": w.rejected},
    "web.profile @archived": lambda w: {"slug": w.archived},
    "web.sector": lambda w: {"code": "honey"},
    "web.province": lambda w: {"code": "berkane"},
    "web.country": lambda w: {"code": "FR"},
    "web.territory": lambda w: {"code": "berkane"},
    "accounts.confirm": lambda w: {"token": "not-a-link"},
    "accounts.reset_password": lambda w: {"token": "not-a-link"},
    "accounts.confirm_email": lambda w: {"token": "not-a-link"},
    "accounts.unsubscribe": lambda w: {"token": "not-a-link"},
    "profiles.edit": lambda w: {"slug": w.a},
    "profiles.edit @pending": lambda w: {"slug": w.pending},
    "profiles.edit @rejected": lambda w: {"slug": w.rejected},
    "memberships.members": lambda w: {"slug": w.a},
    "memberships.members @pending": lambda w: {"slug": w.pending},
    "memberships.invite": lambda w: {"slug": w.a},
    "memberships.invite @pending": lambda w: {"slug": w.pending},
    "memberships.remove": lambda w: {"slug": w.a, "user_id": NOBODY},
    "memberships.set_role": lambda w: {"slug": w.a, "user_id": NOBODY},
    "memberships.cancel_invitation": lambda w: {"slug": w.a, "invitation_id": NOBODY},
    "memberships.handover": lambda w: {"slug": w.a},
    "GET memberships.invitation": lambda w: {"token": w.invitation_token},
    "POST memberships.invitation": lambda w: {"token": "not-a-link"},
    # decisions already taken: A is published, the pending one cannot be archived
    "moderation.approve": lambda w: {"slug": w.a},
    "moderation.reject": lambda w: {"slug": w.a},
    "moderation.archive": lambda w: {"slug": w.pending},
    "moderation.restore": lambda w: {"slug": w.a},
    "moderation.history": lambda w: {"slug": w.a},
    "moderation.history @pending": lambda w: {"slug": w.pending},
    "moderation.reviewed": lambda w: {"change_id": NOBODY},
    "moderation.set_account_role": lambda w: {"user_id": w.moderator_id},
    "moderation.retry_job": lambda w: {"job_id": "no-such-job"},
    "exchanges.request_form": lambda w: {"slug": w.b},
    "exchanges.request_form @pending": lambda w: {"slug": w.pending},
    "exchanges.detail": lambda w: {"exchange_id": w.exchange},
    "exchanges.act": lambda w: {"exchange_id": w.exchange, "action": "complete"},
    "exchanges.post_message": lambda w: {"exchange_id": w.exchange},
    "notifications.open_one": lambda w: {"notification_id": w.notification},
    "dashboard.territory": lambda w: {"code": "berkane"},
    "dashboard.territory @csv": lambda w: {"code": "berkane", "format": "csv",
                                           "table": "organisations"},
    "api.list_profiles @search-hidden": lambda w: {"q": w.hidden_word},
    "api.get_profile": lambda w: {"slug": w.a},
    "api.get_profile @pending": lambda w: {"slug": w.pending},
    "api.get_profile @rejected": lambda w: {"slug": w.rejected},
    "api.get_matches": lambda w: {"slug": w.a},
    "api.get_matches @archived": lambda w: {"slug": w.archived},
    "api.get_partnerships": lambda w: {"slug": w.a},
    "api.get_partnerships @pending": lambda w: {"slug": w.pending},
    "outbox.message": lambda w: {"name": w.outbox_message},
    "outbox.message_html": lambda w: {"name": w.outbox_message},
}

WRONG_PASSWORD = "not the password at all"
# Every organisation of the fixtures describes itself so: the "read my text" button points
# out the profiles with almost the same description, which must be published ones only
# (unless a moderator reads).
SHARED_DESCRIPTION = ("Nous travaillons avec les apiculteurs de toute la région, nous "
                      "cherchons des partenaires pour vendre le miel et pour former les "
                      "jeunes au métier.")
A_PROFILE_TO_READ = {  # the "read my text" button: the form is read, nothing is saved
    "name": "Association des Apiculteurs de Lyon", "kind": "association", "country": "FR",
    "city": "Lyon", "check": "1", "description": SHARED_DESCRIPTION,
}

# What each POST row sends besides its CSRF token (nothing, when it is not listed).
FORMS = {
    "accounts.register": {"name": "Nouvelle", "email": "newcomer@access.test",
                          "password": "a long and new passphrase", "lang": "fr",
                          "consent": "y"},
    "accounts.login": {"email": "nobody@access.test", "password": WRONG_PASSWORD},
    "accounts.reset": {"email": "nobody@access.test"},
    "accounts.reset_password": {"password": "a long and new passphrase"},
    "accounts.change_password": {"current_password": WRONG_PASSWORD,
                                 "password": "a long and new passphrase"},
    "accounts.change_email": {"email": "elsewhere@access.test", "password": WRONG_PASSWORD},
    "accounts.settings": {"name": "Same Name", "lang": "fr"},
    "accounts.delete": {"password": WRONG_PASSWORD},
    "profiles.new": A_PROFILE_TO_READ,
    "profiles.edit": A_PROFILE_TO_READ,
    "memberships.invite": {"email": "not an address", "role": "editor"},
    "memberships.set_role": {"role": "editor"},
    "moderation.reject": {"reason": "Already decided."},
    "moderation.archive": {"reason": "Already decided."},
    "moderation.set_account_role": {"role": "moderator"},
    "exchanges.request_form": {"purpose": "experience_exchange", "message": ""},
    "exchanges.post_message": {"text": "Un message de plus dans notre fil."},
}

# Whose e-mail addresses a page may show besides the reader's own (any other is a leak).
EMAILS_SHOWN = {
    "GET moderation.users": "everybody",  # admins give roles to accounts
    "GET moderation.queue": "everybody",  # moderators see who submitted each profile
    "GET memberships.members": "invitee",  # owners see whom they invited
    "POST memberships.invite": "invitee",
    "GET accounts.data": "invitee",  # the invitations one sent are one's own data
}
# Development tools that show every e-mail the site wrote (never in production).
NOT_SCANNED = frozenset({"GET outbox.index", "GET outbox.message", "GET outbox.message_html"})
