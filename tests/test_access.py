"""Access control, proven route by route: every route and method of ``app.url_map`` is asked
by each role of tests/access_matrix.py and must answer as its row says (a route without a
row fails), and no answer shows what its reader may not know: a profile that is not
published, another organisations' exchange thread, another person's e-mail address.

The fixtures are built once for the module and every request is harmless (see the
matrix), so the ~600 requests run on one database.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from access_matrix import (
    ARGUMENTS,
    EMAILS_SHOWN,
    FORMS,
    LOGIN,
    MATRIX,
    NOT_SCANNED,
    ROLES,
    SHARED_DESCRIPTION,
)
from flask import url_for
from site_helpers import PASSWORD, csrf_token, log_in, make_user

from twinning import index_version
from twinning.accounts import passwords
from twinning.exchanges import service as exchanges
from twinning.extensions import db
from twinning.i18n import LANGUAGES
from twinning.memberships import service as memberships
from twinning.models import (
    MemberRole,
    Membership,
    Notification,
    Profile,
    ProfileStatus,
    Purpose,
    Role,
    User,
)
from twinning.moderation import service as moderation
from twinning.profiles import service as profiles
from twinning.profiles.interchange import validate_record

SKIPPED_METHODS = {"HEAD", "OPTIONS"}
CHEAP_SCRYPT = "scrypt:1024:8:1"
THREAD_SECRET = "fil-7391"  # in the A–C request and its thread only
HIDDEN_WORD = "Zerhouni"  # a word of the pending profile's name, searched for
EMAILS = {
    "editor_a": "editor.a@access.test", "member_b": "member.b@access.test",
    "owner_a": "owner.a@access.test", "moderator": "moderator@access.test",
    "admin": "admin@access.test", "owner_c": "owner.c@access.test",
    "owner_d": "owner.d@access.test",
}
INVITEE = "invitee@access.test"
ACCOUNT_ROLES = {"moderator": Role.MODERATOR, "admin": Role.ADMIN}


def _organisation(external_id: str, name: str, kind: str, country: str, city: str,
                  status: str = "published", **extra) -> dict:
    return {"external_id": external_id, "name": name, "kind": kind, "country": country,
            "city": city, "languages": ["fr"], "sectors": ["honey"], "status": status,
            "needs": ["marketing"], "offers": ["training_governance"],
            "description": SHARED_DESCRIPTION, **extra}


ORGANISATIONS = {  # key: (record, its people as (role key, membership))
    "a": (_organisation("access-a", "Commune de Tafoughalt", "local_authority", "MA",
                        "Berkane", province="berkane", email="mairie@tafoughalt.example"),
          (("owner_a", MemberRole.OWNER), ("editor_a", MemberRole.EDITOR))),
    "b": (_organisation("access-b", "Ruche Solidaire de Lyon", "association", "FR", "Lyon"),
          (("member_b", MemberRole.OWNER),)),
    "c": (_organisation("access-c", "Federación Apícola de Granada", "federation", "ES",
                        "Granada"), (("owner_c", MemberRole.OWNER),)),
    "archived": (_organisation("access-d", "Bienenfreunde Freiburg", "association", "DE",
                               "Freiburg"), (("owner_d", MemberRole.OWNER),)),
    "pending": (_organisation("access-p", f"Coopérative Pendante {HIDDEN_WORD}",
                              "cooperative", "MA", "Berkane", "pending", province="berkane"),
                (("member_b", MemberRole.OWNER),)),
    "rejected": (_organisation("access-r", "Association Refusée Oulad Ghazi", "cooperative",
                               "MA", "Berkane", "pending", province="berkane"),
                 (("owner_a", MemberRole.OWNER),)),
}
# Who may know that a profile exists, by name or address: its people and moderators
# (A's people had a partnership with the archived one: their own exchange pages name it).
HIDDEN_FROM = {
    "pending": {"anonymous", "editor_a", "owner_a"},
    "rejected": {"anonymous", "editor_a", "member_b"},
    "archived": {"anonymous", "member_b"},
}
THREAD_READERS = {"editor_a", "owner_a"}


@dataclass(frozen=True)
class Answer:
    url: str
    status: int
    location: str
    text: str


def _user(key: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == EMAILS[key]))


def _build_world(app) -> SimpleNamespace:
    """The organisations, their people, an exchange with a thread, a partnership with an
    organisation archived since, a rejected profile, an invitation and a notification."""
    for key, email in EMAILS.items():
        make_user(app, email, role=ACCOUNT_ROLES.get(key, Role.MEMBER))
    with app.test_request_context("/fr/"):
        records = []
        for raw, _people in ORGANISATIONS.values():
            record, errors = validate_record(raw, "test", 1)
            assert not errors, errors
            records.append(record)
        profiles.save_records(records)
        found = {key: profiles.find_by_reference(raw["external_id"])
                 for key, (raw, _people) in ORGANISATIONS.items()}
        for key, (_raw, people) in ORGANISATIONS.items():
            db.session.add_all(Membership(user_id=_user(person).id, profile_id=found[key].id,
                                          role=role) for person, role in people)
        db.session.commit()
        exchange = exchanges.request_exchange(
            _user("owner_c"), found["c"], found["a"], Purpose.EXPERIENCE_EXCHANGE,
            f"Nous aimerions apprendre de vous ({THREAD_SECRET}).")
        exchanges.post_message(_user("owner_c"), exchange, f"Notre fil, {THREAD_SECRET}.")
        partnership = exchanges.request_exchange(
            _user("owner_a"), found["a"], found["archived"], Purpose.EXPERIENCE_EXCHANGE,
            "Une visite de nos ruchers ?")
        exchanges.act(_user("owner_d"), partnership, "accept")
        moderator = _user("moderator")
        moderation.decide(found["rejected"], moderator, moderation.REJECT, "Hors du champ.")
        moderation.decide(found["archived"], moderator, moderation.ARCHIVE, "Dissoute.")
        invitation = memberships.invite(found["a"], INVITEE, MemberRole.EDITOR,
                                        _user("owner_a"), "fr")
        link = memberships.invitation_link(invitation, "fr")
        notification = db.session.scalar(sa.select(Notification.id).where(
            Notification.user_id == _user("owner_a").id,
            Notification.exchange_id == exchange.id))
        world = SimpleNamespace(
            **{key: profile.slug for key, profile in found.items()},
            names={key: profile.name for key, profile in found.items()},
            exchange=exchange.id, notification=notification, moderator_id=moderator.id,
            invitation_token=link.rsplit("/", 1)[1], hidden_word=HIDDEN_WORD)
    world.outbox_message = sorted(path.name for path in
                                  Path(app.config["MAIL_OUTBOX_FOLDER"]).glob("*.eml"))[0]
    return world


def _sessions(app) -> dict[str, tuple[str, str]]:
    """Each role's session cookie and the CSRF token that goes with it."""
    found = {}
    for role in ROLES:
        client = app.test_client()
        if role == "anonymous":
            token = csrf_token(client, "/fr/account/login")
        else:
            assert log_in(client, EMAILS[role], PASSWORD).status_code == 302
            token = csrf_token(client, "/fr/account/settings")
        found[role] = (client.get_cookie("session").value, token)
    return found


def _lookup(table: dict, row: str):
    return table.get(row, table.get(row.partition(" ")[2]))


def _base(row: str) -> str:
    return row.split(" @")[0]


def _url(app, row: str, world: SimpleNamespace, lang: str) -> str:
    endpoint = _base(row).split(" ", 1)[1]
    arguments = _lookup(ARGUMENTS, row)
    values = arguments(world) if arguments else {}
    rule = next(app.url_map.iter_rules(endpoint))
    if "lang" in rule.arguments:
        values["lang"] = lang
    with app.test_request_context("/"):
        return url_for(endpoint, **values)


def _ask(app, row: str, url: str, session: tuple[str, str], with_token: bool = True) -> Answer:
    """One request, from a fresh client carrying the role's session (so that logging out
    or changing a preference never changes what the next row sees)."""
    client = app.test_client()
    client.set_cookie("session", session[0])
    method = row.split(" ", 1)[0]
    if method == "GET":
        response = client.get(url)
    else:
        data = dict(FORMS.get(_base(row).split(" ", 1)[1], {}))
        if with_token:
            data["csrf_token"] = session[1]
        response = client.post(url, data=data)
    answer = Answer(url, response.status_code, response.headers.get("Location", ""),
                    response.get_data(as_text=True))
    response.close()
    return answer


@pytest.fixture(scope="module")
def cheap_hashes():
    """Passwords hashed and checked with a small scrypt cost: some thirty checks (logging
    in, wrong passwords) would otherwise take most of the module's time."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(passwords, "HASH_METHOD", CHEAP_SCRYPT)
        passwords._decoy_hash.cache_clear()
        yield
    passwords._decoy_hash.cache_clear()


@pytest.fixture(scope="module")
def answers(module_app, cheap_hashes):
    """Every row of the matrix asked by every role, each role in another language."""
    world = _build_world(module_app)
    sessions = _sessions(module_app)
    found = {}
    for row in MATRIX:
        for index, role in enumerate(ROLES):
            url = _url(module_app, row, world, LANGUAGES[index % len(LANGUAGES)])
            found[row, role] = _ask(module_app, row, url, sessions[role])
    return SimpleNamespace(world=world, sessions=sessions, by_row=found)


def _route_methods(app) -> set[str]:
    return {f"{method} {rule.endpoint}" for rule in app.url_map.iter_rules()
            for method in rule.methods - SKIPPED_METHODS}


def test_every_route_and_method_has_a_row(module_app):
    declared = {_base(row) for row in MATRIX}
    missing = sorted(_route_methods(module_app) - declared)
    assert not missing, "routes without a row in tests/access_matrix.py (who may see " \
                        f"them?): {missing}"
    stale = sorted(declared - _route_methods(module_app))
    assert not stale, f"rows for routes that no longer exist: {stale}"


def _as_expected(answer: Answer, expected: int | str) -> bool:
    if expected == LOGIN:
        return answer.status == 302 and urlsplit(answer.location).path.endswith(
            "/account/login")
    return answer.status == expected


def test_every_role_gets_the_answer_its_row_declares(answers):
    wrong = [f"{row} as {role}: {answer.status} {answer.location} (expected "
             f"{expected}) {answer.url}"
             for row, expected_by_role in MATRIX.items()
             for role, expected in zip(ROLES, expected_by_role, strict=True)
             if not _as_expected(answer := answers.by_row[row, role], expected)]
    assert not wrong, "\n".join(wrong)


def _scanned(answers):
    return [(row, role, answer) for (row, role), answer in answers.by_row.items()
            if _base(row) not in NOT_SCANNED]


def test_unpublished_profiles_are_named_nowhere_to_strangers(answers):
    """Pending, rejected and archived profiles: neither name nor address on any page, API
    answer, search result or CSV for those who may not see them."""
    world = answers.world

    def shown(key: str, answer: Answer) -> bool:
        # An address asked for comes back in the page's own links (the language switcher,
        # an error's description): that tells the asker nothing new.
        slug = getattr(world, key)
        return world.names[key] in answer.text or (slug not in answer.url
                                                   and slug in answer.text)

    leaks = [f"{row} as {role} shows the {key} profile ({answer.url})"
             for row, role, answer in _scanned(answers)
             for key, strangers in HIDDEN_FROM.items()
             if role in strangers and shown(key, answer)]
    assert not leaks, "\n".join(leaks)


def test_the_checks_would_see_a_leak(answers):
    """What the scans look for is there where it may be: the checks are not blind."""
    names = answers.world.names
    assert names["pending"] in answers.by_row["POST profiles.new", "moderator"].text
    assert names["pending"] in answers.by_row["GET web.profile @pending", "member_b"].text
    assert names["rejected"] in answers.by_row["GET accounts.overview", "owner_a"].text
    assert names["archived"] in answers.by_row["GET exchanges.index", "editor_a"].text
    assert INVITEE in answers.by_row["GET memberships.members", "owner_a"].text
    assert EMAILS["member_b"] in answers.by_row["GET accounts.overview", "member_b"].text


def test_an_exchange_thread_stays_between_its_two_organisations(answers):
    leaks = [f"{row} as {role} ({answer.url})" for row, role, answer in _scanned(answers)
             if role not in THREAD_READERS and THREAD_SECRET in answer.text]
    assert not leaks, "\n".join(leaks)
    assert THREAD_SECRET in answers.by_row["GET exchanges.detail", "editor_a"].text


def test_nobody_reads_another_persons_email_address(answers):
    everybody = {*EMAILS.values(), INVITEE}
    leaks = []
    for row, role, answer in _scanned(answers):
        shown = {"everybody": everybody, "invitee": {INVITEE}}.get(
            EMAILS_SHOWN.get(_base(row)) if role != "anonymous" else None, set())
        allowed = shown | {EMAILS.get(role)}
        leaks += [f"{row} as {role} shows {email} ({answer.url})"
                  for email in everybody - allowed if email in answer.text]
    assert not leaks, "\n".join(leaks)


def test_the_api_and_public_pages_never_show_an_address(answers):
    """Not even the organisation's contact address, which only confirmed people read."""
    contact = "mairie@tafoughalt.example"
    for row in ("GET api.get_profile", "GET api.list_profiles", "GET api.get_partnerships"):
        for role in ROLES:
            assert contact not in answers.by_row[row, role].text
    assert contact not in answers.by_row["GET web.profile", "anonymous"].text
    assert contact in answers.by_row["GET web.profile", "member_b"].text


def test_an_archived_partner_is_not_named_among_partnerships(answers):
    page = answers.by_row["GET web.profile", "anonymous"].text
    assert answers.world.names["archived"] not in page
    api = answers.by_row["GET api.get_partnerships", "anonymous"].text
    assert answers.world.archived not in api


def test_a_state_changing_request_without_its_csrf_token_is_refused(module_app, answers):
    """Every POST row, by a role its row lets through, without the token: 400."""
    exempt = {"POST accounts.unsubscribe"}  # a signed one-click link (RFC 8058)
    refused = []
    for row, expected_by_role in MATRIX.items():
        if not row.startswith("POST ") or _base(row) in exempt:
            continue
        role = next((role for role, expected in zip(ROLES, expected_by_role, strict=True)
                     if expected not in (LOGIN, 403, 404)), "anonymous")
        url = answers.by_row[row, role].url
        answer = _ask(module_app, row, url, answers.sessions[role], with_token=False)
        if answer.status != 400:
            refused.append(f"{row} as {role}: {answer.status} without a CSRF token")
    assert not refused, "\n".join(refused)


def test_a_profile_unpublished_behind_the_index_back_is_never_suggested(app, demo_profile):
    """Another server archived a partner (its change logged in the same transaction, as
    every service does) and this one's index has not applied it yet: the suggestions
    (asked now, remembered, or stored for the territory page) leave it out."""
    partner, _people = ORGANISATIONS["b"]
    with app.test_request_context("/fr/"):
        record, errors = validate_record(partner, "test", 1)
        assert not errors, errors
        profiles.save_records([record])
    client = app.test_client()
    matches = "/api/v1/profiles/cooperative-nahla/matches"
    assert partner["name"] in client.get(matches).text
    assert partner["name"] in client.get("/fr/territories/berkane").text  # stored now
    with app.app_context():
        db.session.execute(sa.update(Profile).where(Profile.external_id == "access-b")
                           .values(status=ProfileStatus.ARCHIVED))
        index_version.record([profiles.find_by_reference("access-b")])
        db.session.commit()
    assert partner["name"] not in client.get(matches).text
    assert partner["name"] not in client.get("/fr/territories/berkane").text
