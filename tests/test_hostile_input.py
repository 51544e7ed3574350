"""Hostile input, property-based: whatever a person or a program sends — any Unicode, mixed
scripts, a megabyte, NUL, bytes that are not UTF-8, SQL or HTML — the answer is a clear
error or a safe page, never a 500, and no free text is kept with the invisible characters
that could make it display as other text.

Every property runs a handful of examples in an ordinary run (``HYPOTHESIS_PROFILE=ci``,
see conftest) and many more with ``make fuzz``.
"""

from __future__ import annotations

import json
from urllib.parse import quote, quote_from_bytes

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st
from site_helpers import PASSWORD, csrf_token, log_in

from twinning.accounts import service as accounts
from twinning.exchanges import service as exchanges
from twinning.extensions import db
from twinning.models import ExchangeMessage, Profile, Purpose, Role, User
from twinning.profiles import importer, service
from twinning.profiles.fields import FIELD_NAMES
from twinning.profiles.interchange import neutralise, validate_record

# What people have typed into forms to break them, and what a spoofer writes.
ATTACKS = [
    "'; DROP TABLE profile; --", "' OR '1'='1", "\" OR \"\"=\"", "1; SELECT pg_sleep(5)",
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "{{ 7 * 7 }}", "%(name)s",
    "\u202eevil\u202c", "\u2066\u2067isolated\u2069", "\u200b\u200d\ufeff", "Cооpérative Nоur",
    "\x00", "a\x00b", "\r\n\t", "99999999999999999999", "-1", "1e309", "NaN", "²", "١٢٣",
    "x" * 1_000_000, "é" * 400_000,
]
MARKUP = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>")
# Every character but lone surrogates (which no UTF-8 request can carry), with the scripts
# of the platform and of spoofers made more likely.
_SCRIPTS = st.sampled_from("aéZ ءبتنهيلا١ οΑρ оаСр 中 🐝 \u0301\u064b\u200c\u200e\u202e\u2066")
TEXT = st.one_of(
    st.sampled_from(ATTACKS),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=200),
    st.text(_SCRIPTS, max_size=60),
    st.lists(st.sampled_from(ATTACKS[:-2]), max_size=3).map(" ".join),
)
# Bytes as they arrive in a query string or a form body, UTF-8 or not.
RAW_BYTES = st.binary(max_size=40).map(quote_from_bytes)
ANSWERED = frozenset({200, 301, 302, 303, 308, 400, 403, 404, 409, 413, 422, 429})


def answered_well(response) -> None:
    """A clear answer: an expected status, and no markup of the input taken as markup."""
    assert response.status_code in ANSWERED, (response.status_code, response.text[:500])
    if response.mimetype == "text/html":
        for markup in MARKUP:
            assert markup not in response.text


def kept_texts() -> list[str]:
    """Every free text people write that the database keeps."""
    return [*db.session.scalars(sa.select(User.name)),
            *db.session.scalars(sa.select(Profile.name)),
            *(text for text in db.session.scalars(sa.select(Profile.description)) if text),
            *db.session.scalars(sa.select(ExchangeMessage.text))]


@pytest.fixture(scope="module")
def fuzz_app(make_module_app):
    """Two organisations with an exchange between them, their people, and a moderator."""
    from conftest import ONE_COOPERATIVE

    app = make_module_app()
    with app.test_request_context("/fr/"):
        other = {**ONE_COOPERATIVE, "external_id": "ville-sete", "name": "Ville de Sète",
                 "kind": "local_authority", "country": "FR", "province": None,
                 "city": "Sète", "email": None, "phone": None}
        records = [validate_record(raw, "test", line)[0]
                   for line, raw in enumerate((ONE_COOPERATIVE, other), 1)]
        service.save_records(records)
        nahla, sete = (service.find_by_reference(ref) for ref in ("coop-nahla", "ville-sete"))
        owner = accounts.create_user("owner@nahla.example.org", PASSWORD, name="Amina",
                                     lang="fr", role=Role.MEMBER, owner_of=(nahla,))
        accounts.create_user("mairie@sete.example.org", PASSWORD, name="Luc", lang="fr",
                             role=Role.MEMBER, owner_of=(sete,))
        exchange = exchanges.request_exchange(owner, nahla, sete, Purpose.TRAINING_VISIT,
                                              "Bonjour, une visite en mai ?")
        app.config.update(FUZZ_EXCHANGE=exchange.id, FUZZ_NAHLA=nahla.slug,
                          FUZZ_SETE=sete.slug)
    return app


@pytest.fixture(scope="module")
def owner_client(fuzz_app):
    client = fuzz_app.test_client()
    assert log_in(client, "owner@nahla.example.org").status_code == 302
    return client


def post_form(client, url: str, values: dict[str, str]):
    """POST ``values`` with the page's CSRF token (kept for the session, so read once)."""
    tokens = client.application.config.setdefault("FUZZ_TOKENS", {})
    key = (id(client), url)
    if key not in tokens:
        tokens[key] = csrf_token(client, url)
    return client.post(url, data={**values, "csrf_token": tokens[key]})


def assert_nothing_invisible_kept(app) -> None:
    with app.app_context():
        for text in kept_texts():
            assert neutralise(text) == text and "\x00" not in text, repr(text[:200])


# ----- query strings ----------------------------------------------------------------------
API_PARAMETERS = ("kind", "country", "province", "sector", "need", "offer", "language", "q",
                  "page", "per_page", "sort", "limit", "mode")
PAGES = ("/api/v1/profiles", "/api/v1/profiles/{nahla}/matches", "/fr/profiles/",
         "/ar/sectors/honey", "/es/territories/berkane", "/en/map")


@given(page=st.sampled_from(PAGES),
       query=st.dictionaries(st.sampled_from(API_PARAMETERS),
                             st.one_of(TEXT.filter(lambda text: len(text) < 5000), RAW_BYTES),
                             max_size=4))
def test_query_parameters_get_a_page_or_a_clear_400(fuzz_app, page, query):
    encoded = "&".join(f"{quote(name)}={value if '%' in value else quote(value)}"
                       for name, value in query.items())
    page = page.format(nahla=fuzz_app.config["FUZZ_NAHLA"])
    response = fuzz_app.test_client().get(f"{page}?{encoded}")
    answered_well(response)
    if response.status_code == 400 and page.startswith("/api/"):
        assert response.get_json()["error"]["message"]


@given(path=st.one_of(TEXT.filter(lambda text: 0 < len(text) < 2000), RAW_BYTES))
def test_any_slug_or_code_in_a_path_is_a_page_or_a_404(fuzz_app, path):
    client = fuzz_app.test_client()
    for prefix in ("/fr/profiles/", "/api/v1/profiles/", "/fr/provinces/", "/fr/countries/"):
        answered_well(client.get(prefix + (path if "%" in path else quote(path, safe=""))))


# ----- forms ------------------------------------------------------------------------------
@given(name=TEXT, email=TEXT, password=TEXT)
def test_registering_with_anything(fuzz_app, name, email, password):
    client = fuzz_app.test_client()
    answered_well(post_form(client, "/fr/account/register",
                            {"name": name, "email": email, "password": password, "lang": "fr",
                             "consent": "y"}))
    answered_well(post_form(client, "/fr/account/login", {"email": email,
                                                          "password": password}))
    assert_nothing_invisible_kept(fuzz_app)


_PROFILE_VALUES = st.fixed_dictionaries(
    {"name": TEXT, "kind": st.sampled_from(["cooperative", "association", "", "<b>"])},
    optional=dict.fromkeys(("country", "province", "city", "description", "members",
                            "founded", "website", "lat", "lon", "version_fr",
                            "description_lang", "sectors"), TEXT),
)


@given(values=_PROFILE_VALUES, editing=st.booleans())
def test_profile_form_with_anything(fuzz_app, owner_client, values, editing):
    url = f"/fr/profiles/{fuzz_app.config['FUZZ_NAHLA']}/edit" if editing \
        else "/fr/profiles/new"
    answered_well(post_form(owner_client, url, values))
    assert_nothing_invisible_kept(fuzz_app)


@given(message=TEXT, text=TEXT, purpose=st.sampled_from(["trade", "", "<x>", "\x00"]))
def test_exchange_request_and_message_with_anything(fuzz_app, owner_client, message, text,
                                                    purpose):
    exchange_id = fuzz_app.config["FUZZ_EXCHANGE"]
    answered_well(post_form(owner_client, f"/fr/profiles/{fuzz_app.config['FUZZ_SETE']}/request",
                            {"from_profile": fuzz_app.config["FUZZ_NAHLA"], "purpose": purpose,
                             "message": message}))
    answered_well(post_form(owner_client, f"/fr/exchanges/{exchange_id}/messages",
                            {"text": text}))
    assert_nothing_invisible_kept(fuzz_app)


@given(body=st.lists(st.tuples(st.sampled_from(["name", "email", "text", "message", "x"]),
                               RAW_BYTES), max_size=4))
def test_form_bodies_that_are_not_utf8(fuzz_app, owner_client, body):
    encoded = "&".join(f"{name}={value}" for name, value in body)
    for url in ("/fr/account/login", "/fr/profiles/new",
                f"/fr/exchanges/{fuzz_app.config['FUZZ_EXCHANGE']}/messages"):
        answered_well(owner_client.post(url, data=encoded.encode("ascii"),
                                        content_type="application/x-www-form-urlencoded"))


# ----- the importer -----------------------------------------------------------------------
@given(record=st.dictionaries(st.sampled_from([*FIELD_NAMES, "colour"]),
                              st.one_of(TEXT, st.integers(), st.floats(), st.none(),
                                        st.lists(TEXT, max_size=3)),
                              max_size=8))
def test_validation_of_any_record_is_data_or_named_errors(fuzz_app, record):
    with fuzz_app.test_request_context("/fr/"):
        data, errors = validate_record({"external_id": "x", "name": "x", "kind": "association",
                                        "country": "FR", **record}, "fuzz", 1)
    assert (data is None) == bool(errors)
    for error in errors:
        assert error.field and error.message
    if data is not None:
        for value in data.values.values():
            if isinstance(value, str):
                assert neutralise(value) == value and "\x00" not in value


@given(data=st.one_of(st.binary(max_size=400),
                      st.lists(st.dictionaries(st.sampled_from(FIELD_NAMES), TEXT), max_size=3)
                      .map(lambda records: "\n".join(map(json.dumps, records)).encode())),
       fmt=st.sampled_from(["jsonl", "csv"]))
def test_any_file_is_parsed_or_refused_line_by_line(fuzz_app, data, fmt):
    with fuzz_app.test_request_context("/fr/"):
        result = importer.parse(data, "fuzz." + fmt, fmt)
    for error in result.errors:
        assert error.line >= 0 and error.message
