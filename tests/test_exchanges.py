"""Exchange requests: every transition of the table, legal and illegal; one winner when two
members answer at once; expiry with a fixed clock; the thread; partnerships; notifications
and e-mails in each member's language; the digest; learning from outcomes."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from conftest import ONE_COOPERATIVE
from site_helpers import free_port, mails_to, make_user, signed_in, submit, text_of

from twinning import learning, suggestions
from twinning.exchanges import service, states
from twinning.exchanges.service import ExchangeError
from twinning.extensions import db
from twinning.models import (
    DigestEntry,
    Exchange,
    ExchangeState,
    MemberRole,
    Membership,
    Notification,
    Profile,
    Purpose,
    User,
)
from twinning.notifications.digest import RUN_ID_FORMAT, send_digest
from twinning.profiles import service as profiles
from twinning.profiles.interchange import validate_record

PARTNER = {
    "external_id": "asso-vercors", "name": "Emballages Solidaires du Vercors",
    "kind": "association", "country": "FR", "city": "Grenoble", "languages": ["fr", "en"],
    "sectors": ["honey", "food_processing"], "needs": ["fair_trade"],
    "offers": ["packaging", "marketing", "training_governance"],
    "description": "Notre atelier forme les petits producteurs à concevoir leurs emballages "
                   "et étiquettes, et accompagne la vente dans les boutiques solidaires.",
}
OTHER = {**PARTNER, "external_id": "asso-drome", "name": "Miels Équitables de la Drôme",
         "city": "Valence", "description": "Nous achetons du miel aux coopératives et le "
         "vendons dans nos boutiques de commerce équitable."}


@pytest.fixture
def pair(app):
    """A cooperative of Berkane (kept by Fatima, Arabic) and a French association (kept by
    Claire, French), both published; another French association nobody keeps."""
    with app.test_request_context("/fr/"):
        records = []
        for raw in (ONE_COOPERATIVE, PARTNER, OTHER):
            record, errors = validate_record(raw, "test", 1)
            assert not errors
            records.append(record)
        profiles.save_records(records)
    make_user(app, "fatima@example.ma", lang="ar", name="فاطمة")
    make_user(app, "claire@example.fr", lang="fr", name="Claire")
    make_user(app, "karim@example.ma", lang="fr", name="Karim")
    with app.app_context():
        for email, external_id in (("fatima@example.ma", "coop-nahla"),
                                   ("karim@example.ma", "coop-nahla"),
                                   ("claire@example.fr", "asso-vercors")):
            user = db.session.scalar(sa.select(User).where(User.email == email))
            profile = profiles.find_by_reference(external_id)
            db.session.add(Membership(user_id=user.id, profile_id=profile.id,
                                      role=MemberRole.OWNER))
        db.session.commit()
    return app


def _user(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def _ask(purpose: Purpose = Purpose.TRAINING_VISIT) -> Exchange:
    return service.request_exchange(
        _user("fatima@example.ma"), profiles.find_by_reference("coop-nahla"),
        profiles.find_by_reference("asso-vercors"), purpose,
        "نريد أن نتعلم منكم تصميم العلب والملصقات لعسلنا.")


# How to bring a fresh request to each state, and who takes each step.
PATHS = {
    ExchangeState.SENT: [],
    ExchangeState.ACCEPTED: [("accept", "claire@example.fr")],
    ExchangeState.DECLINED: [("decline", "claire@example.fr")],
    ExchangeState.WITHDRAWN: [("withdraw", "fatima@example.ma")],
    ExchangeState.IN_PROGRESS: [("accept", "claire@example.fr"), ("start", "fatima@example.ma")],
    ExchangeState.COMPLETED: [("accept", "claire@example.fr"), ("start", "fatima@example.ma"),
                              ("complete", "fatima@example.ma")],
    ExchangeState.ENDED: [("accept", "claire@example.fr"), ("start", "claire@example.fr"),
                          ("end", "claire@example.fr")],
}


def _in_state(state: ExchangeState) -> Exchange:
    exchange = _ask()
    for action, email in PATHS[state]:
        service.act(_user(email), exchange, action,
                    "Un compte rendu." if action == "complete" else None)
    assert exchange.state == state
    return exchange


@pytest.mark.parametrize("state", list(PATHS))
@pytest.mark.parametrize("action", states.ACTIONS)
def test_every_action_from_every_state(pair, state, action):
    with pair.test_request_context("/fr/"):
        exchange = _in_state(state)
        transition = states.find(action, state)
        actor = "fatima@example.ma" if transition is None or transition.by != states.PARTNER \
            else "claire@example.fr"
        note = "Ce que nous avons appris." if action == "complete" else None
        before = (exchange.state, len(exchange.transitions))
        if transition is None:
            with pytest.raises(ExchangeError) as refused:
                service.act(_user(actor), exchange, action, note)
            assert refused.value.status == 409
            db.session.refresh(exchange)
            assert (exchange.state, len(exchange.transitions)) == before
        else:
            service.act(_user(actor), exchange, action, note)
            assert exchange.state == transition.target
            assert exchange.transitions[-1].to_state == transition.target
            assert (exchange.open_key is None) != states.is_open(transition.target)


def test_only_the_right_side_may_answer(pair):
    with pair.test_request_context("/fr/"):
        exchange = _ask()
        with pytest.raises(ExchangeError) as refused:
            service.act(_user("fatima@example.ma"), exchange, "accept")
        assert refused.value.status == 403
        with pytest.raises(ExchangeError):
            service.act(_user("claire@example.fr"), exchange, "withdraw")
        assert exchange.state == ExchangeState.SENT
        make_user(pair, "outsider@example.org")
        service.act(_user("claire@example.fr"), exchange, "accept")
        with pytest.raises(ExchangeError) as outsider:
            service.act(_user("outsider@example.org"), exchange, "start")
        assert outsider.value.status == 403 and exchange.state == ExchangeState.ACCEPTED


def test_completing_needs_a_report(pair):
    with pair.test_request_context("/fr/"):
        exchange = _in_state(ExchangeState.IN_PROGRESS)
        with pytest.raises(ExchangeError) as refused:
            service.act(_user("claire@example.fr"), exchange, "complete", "  ")
        assert refused.value.field == "report"
        assert exchange.state == ExchangeState.IN_PROGRESS


def test_one_open_request_per_pair_and_purpose_then_a_cool_down(pair):
    with pair.test_request_context("/fr/"):
        exchange = _ask()
        with pytest.raises(ExchangeError) as twice:
            _ask()
        assert twice.value.status == 409
        _ask(Purpose.TRADE)  # another purpose is another request
        # The database itself refuses a second open row, whatever the code above it does.
        duplicate = Exchange(requester_id=exchange.partner_id, partner_id=exchange.requester_id,
                             purpose=exchange.purpose, state=ExchangeState.SENT,
                             open_key=exchange.open_key, match={})
        db.session.add(duplicate)
        with pytest.raises(sa.exc.IntegrityError):
            db.session.flush()
        db.session.rollback()
        service.act(_user("claire@example.fr"), exchange, "decline", "Pas cette année.")
        with pytest.raises(ExchangeError) as cooling:
            _ask()
        assert cooling.value.status == 409
        exchange.closed_at = datetime.now(UTC) - timedelta(days=365)
        db.session.commit()
        assert _ask().state == ExchangeState.SENT


@pytest.mark.postgres_only
def test_two_members_answering_at_once_exactly_one_wins(pair):
    """Claire accepts and a second member of the association declines in two threads."""
    make_user(pair, "paul@example.fr", lang="fr")
    with pair.app_context():
        paul = _user("paul@example.fr")
        db.session.add(Membership(user_id=paul.id,
                                  profile_id=profiles.find_by_reference("asso-vercors").id,
                                  role=MemberRole.EDITOR))
        db.session.commit()
    with pair.test_request_context("/fr/"):
        exchange_id = _ask().id
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def answer(email: str, action: str) -> None:
        with pair.test_request_context("/fr/"):
            exchange = db.session.get(Exchange, exchange_id)
            barrier.wait()
            try:
                service.act(_user(email), exchange, action)
                outcomes[action] = "won"
            except ExchangeError as error:
                outcomes[action] = f"refused {error.status}"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=answer, args=("claire@example.fr", "accept")),
               threading.Thread(target=answer, args=("paul@example.fr", "decline"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()) == ["refused 409", "won"], outcomes
    with pair.app_context():
        exchange = db.session.get(Exchange, exchange_id)
        assert len(exchange.transitions) == 2  # sent, then exactly one answer
        winner = "accept" if outcomes["accept"] == "won" else "decline"
        assert exchange.state == states.find(winner, ExchangeState.SENT).target


def test_requests_nobody_answers_expire_with_a_fixed_clock(pair, runner):
    with pair.test_request_context("/fr/"):
        exchange = _ask()
        asked = exchange.created_at
        assert service.expire(asked + timedelta(days=29)) == 0
        assert service.expire(asked + timedelta(days=31)) == 1
        db.session.refresh(exchange)
        assert exchange.state == ExchangeState.EXPIRED and exchange.open_key is None
        assert exchange.transitions[-1].user_id is None
    assert "0 request(s) expired" in runner.invoke(args=["twinning", "expire"]).output


def test_the_thread_detects_languages_and_tells_the_other_side(pair):
    with pair.test_request_context("/fr/"):
        exchange = _ask()
        service.post_message(_user("claire@example.fr"), exchange,
                             "Bienvenue ! Nous pouvons vous recevoir en mars.")
        service.post_message(_user("fatima@example.ma"), exchange, "شكرا جزيلا، نحن مستعدون.")
        assert [message.lang for message in exchange.messages] == ["fr", "ar"]
        with pytest.raises(ExchangeError):
            service.post_message(_user("fatima@example.ma"), exchange, "   ")
        outsider = _user("karim@example.ma")  # keeps the cooperative: may write too
        service.post_message(outsider, exchange, "Merci Claire, à bientôt.")
    fatima = mails_to(pair, "fatima@example.ma")
    assert any(message["Content-Language"] == "ar" for message in fatima)


def test_notifications_and_e_mails_speak_each_members_language(pair):
    with pair.test_request_context("/fr/"):
        exchange = _ask()
        service.act(_user("claire@example.fr"), exchange, "accept")
        claire = _user("claire@example.fr")
        fatima = _user("fatima@example.ma")
        events = {notification.event for notification in db.session.scalars(
            sa.select(Notification).where(Notification.user_id == claire.id))}
        assert events == {"exchange_requested"}
        assert {notification.event for notification in db.session.scalars(
            sa.select(Notification).where(Notification.user_id == fatima.id))} == \
            {"exchange_answered"}
    [request_mail] = mails_to(pair, "claire@example.fr")
    assert request_mail["Content-Language"] == "fr"
    assert "Formation" in text_of(request_mail) or "formation" in text_of(request_mail)
    assert request_mail["List-Unsubscribe"]
    [answer_mail] = mails_to(pair, "fatima@example.ma")
    assert answer_mail["Content-Language"] == "ar"
    client = signed_in(pair, "viewer@example.org")
    assert "count-badge" not in client.get("/fr/").text
    claire_client = pair.test_client()
    submit(claire_client, "/fr/account/login", {"email": "claire@example.fr",
                                                "password": "olive groves of Taourirt"})
    page = claire_client.get("/fr/notifications/")
    assert page.status_code == 200 and "count-badge" in page.text


def test_accepted_partners_leave_each_others_suggestions(pair):
    with pair.test_request_context("/fr/"):
        cooperative = profiles.find_by_reference("coop-nahla")
        association = profiles.find_by_reference("asso-vercors")
        suggested = {item.profile.slug for item in suggestions.for_profile(cooperative)}
        assert association.slug in suggested
        exchange = _ask()
        assert association.slug in {item.profile.slug
                                    for item in suggestions.for_profile(cooperative)}
        service.act(_user("claire@example.fr"), exchange, "accept")
        assert association.slug not in {item.profile.slug
                                        for item in suggestions.for_profile(cooperative)}
        assert cooperative.slug not in {item.profile.slug
                                        for item in suggestions.for_profile(association)}
        assert [row.partner_id for row in service.partnerships_of(cooperative)] == \
            [association.id]
    api = pair.test_client().get(f"/api/v1/profiles/{cooperative.slug}/partnerships")
    [item] = api.get_json()["items"]
    assert (item["slug"], item["purpose"], item["state"]) == (association.slug,
                                                              "training_visit", "accepted")
    assert item["email"] is None
    page = pair.test_client().get(f"/fr/profiles/{association.slug}")
    assert "Coopérative Nahla" in page.text.split('id="partners-heading"')[1].split("</section>")[0]


def test_pages_and_actions_of_an_exchange(pair):
    fatima = pair.test_client()
    submit(fatima, "/ar/account/login", {"email": "fatima@example.ma",
                                         "password": "olive groves of Taourirt"})
    with pair.app_context():
        association = profiles.find_by_reference("asso-vercors").slug
        cooperative = profiles.find_by_reference("coop-nahla").slug
    form = f"/ar/profiles/{association}/request"
    assert fatima.get(form).status_code == 200
    empty = submit(fatima, form, {"from_profile": cooperative, "purpose": "trade",
                                  "message": ""})
    assert empty.status_code == 422
    sent = submit(fatima, form, {"from_profile": cooperative, "purpose": "trade",
                                 "message": "نقترح عليكم شراكة تجارية منصفة لعسلنا."})
    assert sent.status_code == 303
    detail = sent.headers["Location"]
    exchange_id = int(detail.rstrip("/").rsplit("/", 1)[1])
    page = fatima.get(detail)
    assert page.status_code == 200 and 'lang="ar" dir="auto"' in page.text
    assert "/withdraw" in page.text and "/accept" not in page.text
    illegal = submit(fatima, f"/ar/exchanges/{exchange_id}/complete", {"report": "x"},
                     form_page=detail)
    assert illegal.status_code == 409 and '<html lang="ar"' in illegal.text
    stranger = signed_in(pair, "stranger@example.org")
    assert stranger.get(f"/fr/exchanges/{exchange_id}").status_code == 404
    assert pair.test_client().get(f"/fr/exchanges/{exchange_id}").status_code == 302
    assert fatima.get("/ar/exchanges/").status_code == 200
    nobody = signed_in(pair, "nobody@example.org")
    assert "Submit" in nobody.get(form.replace("/ar/", "/en/")).text


def test_the_digest_never_shows_the_same_partner_twice(pair, runner):
    first = runner.invoke(args=["twinning", "digest"])
    assert first.exit_code == 0, first.output
    with pair.app_context():
        shown = db.session.scalar(sa.select(sa.func.count()).select_from(DigestEntry))
    assert shown > 0
    sent = len(mails_to(pair, "fatima@example.ma"))
    assert sent == 1 and "Emballages Solidaires du Vercors" in text_of(
        mails_to(pair, "fatima@example.ma")[0])
    second = runner.invoke(args=["twinning", "digest"])
    assert "0 new suggested partner(s)" in second.output
    assert len(mails_to(pair, "fatima@example.ma")) == sent  # nothing new, nothing open
    with pair.test_request_context("/fr/"):
        _ask()
    third = runner.invoke(args=["twinning", "digest"])
    assert "0 new suggested partner(s)" in third.output
    [latest] = mails_to(pair, "fatima@example.ma")[sent:]
    assert "Emballages Solidaires du Vercors" in text_of(latest)  # as an open request only


def run_started(ago: timedelta) -> str:
    return (datetime.now(UTC) - ago).strftime(RUN_ID_FORMAT)


def test_a_digest_run_tried_again_sends_nothing_twice(pair):
    """As when its job failed after the e-mails were written, before what they showed was."""
    first, second = run_started(timedelta(hours=1)), run_started(timedelta(0))
    with pair.app_context():
        send_digest(first)
        sent = len(mails_to(pair, "fatima@example.ma"))
        db.session.execute(sa.delete(DigestEntry))
        db.session.commit()
        send_digest(first)
        assert len(mails_to(pair, "fatima@example.ma")) == sent == 1
        db.session.execute(sa.delete(DigestEntry))
        db.session.commit()
        send_digest(second)  # another run, with the same partners new again
        assert len(mails_to(pair, "fatima@example.ma")) == 2


def test_a_digest_run_older_than_the_emails_kept_sends_nothing(pair):
    """Its job tried again from the failed jobs that late: the keys of the e-mails it sent
    may have been pruned, so it would send them again."""
    kept = timedelta(days=pair.config["OUTGOING_EMAIL_KEEP_DAYS"])
    with pair.app_context():
        assert send_digest(run_started(kept + timedelta(hours=1))).emails == 0
        assert mails_to(pair, "fatima@example.ma") == []
        assert send_digest(run_started(kept - timedelta(hours=1))).emails > 0
        assert len(mails_to(pair, "fatima@example.ma")) == 1


def test_learning_reads_the_outcomes_and_reports(pair, runner):
    with pair.test_request_context("/fr/"):
        _in_state(ExchangeState.COMPLETED)
        outcomes = learning.exchange_outcomes()
        assert [(outcome.accepted) for outcome in outcomes] == [True]
    result = runner.invoke(args=["twinning", "learn", "--report"])
    assert result.exit_code == 0, result.output
    assert "Outcomes: 1" in result.output


def test_a_visitor_is_invited_to_log_in_to_ask(pair):
    with pair.app_context():
        slug = profiles.find_by_reference("asso-vercors").slug
    page = pair.test_client().get(f"/en/profiles/{slug}")
    assert f"/en/account/login?next=/en/profiles/{slug}/request" in page.text
    with pair.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Profile.id))) == 3


@pytest.mark.parametrize("queue", ["none", "unreachable"])
def test_a_newly_published_partner_is_announced_to_those_it_matches(pair, queue):
    """Without a queue the announcement runs at once; with Redis down too (run here instead,
    its e-mails kept unsent for ``flask twinning send-pending``), never lost."""
    from twinning.models import OutgoingEmail, ProfileStatus, Role
    from twinning.moderation import service as moderation

    make_user(pair, "mod@example.org", role=Role.MODERATOR)
    pair.config["NEW_PARTNER_THRESHOLD"] = 0.4
    if queue == "unreachable":
        pair.config["REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/0"  # nobody there
    with pair.test_request_context("/fr/"):
        record, errors = validate_record({**ONE_COOPERATIVE, "external_id": "coop-zaio",
                                          "name": "Coopérative apicole de Zaio",
                                          "city": "Zaio", "province": "nador",
                                          "status": "pending"}, "test", 1)
        assert not errors
        profiles.save_records([record])
        newcomer = profiles.find_by_reference("coop-zaio")
        assert newcomer.status == ProfileStatus.PENDING
        moderation.decide(newcomer, _user("mod@example.org"), moderation.APPROVE)
        claire = _user("claire@example.fr")
        announced = db.session.scalars(sa.select(Notification).where(
            Notification.user_id == claire.id, Notification.event == "new_suggestion")).all()
        assert [notification.profile_id for notification in announced] == [newcomer.id]
        unsent = db.session.scalars(sa.select(OutgoingEmail).where(
            OutgoingEmail.sent_at.is_(None))).all()
        assert len(unsent) == (1 if queue == "unreachable" else 0)  # Claire's, waiting
