"""Accounts and profile submission in a real browser: an Arabic cooperative registers,
confirms its address from the outbox, logs in and submits its profile after the site has
read its description; axe-core on the account forms and the profile form, in Arabic and
French, as first shown and with their errors and the description's reading."""

from __future__ import annotations

import json
import secrets
from typing import Any
from urllib.parse import unquote, urlencode, urlsplit
from urllib.request import urlopen

import pytest
from flask_babel import gettext

from twinning.accounts.service import create_user
from twinning.i18n import speaking
from twinning.models import Role
from twinning.presenters import language_name

from .test_site import BLOCKING_IMPACTS, describe_violations

PASSWORD = "olive groves of Berkane, 2024"
NAVIGATION_MS = 30_000  # a POST that reads a description or saves a profile
TAGGED = ("sectors", "needs", "offers")
COOPERATIVE_NAME = "تعاونية الزيتون الأخضر للنساء"
DESCRIPTIONS = {
    "ar": ("تعاونية نسائية في إقليم بركان تنتج زيت الزيتون البكر والعسل وتقطر النباتات العطرية. "
           "نبحث عن شريك يساعدنا في التعبئة والتغليف وتصميم الملصقات، وفي تسويق منتجاتنا في "
           "أوروبا. نقدم التدريب على تربية النحل ونستقبل الزوار في ضيعتنا."),
    "fr": ("Coopérative de femmes de la province de Berkane, nous produisons de l'huile d'olive "
           "et du miel. Nous cherchons un partenaire pour l'emballage, les étiquettes et la "
           "commercialisation en Europe. Nous offrons des formations en apiculture."),
}


def translated(app, lang: str, message: str, **values: Any) -> str:
    """``message`` as the site shows it in ``lang`` (whatever the state of the translations)."""
    with app.test_request_context(f"/{lang}/"), speaking(lang):
        return gettext(message, **values)


def arabic_language_name(app) -> str:
    """«Arabic» as an Arabic page names it."""
    with app.test_request_context("/ar/"), speaking("ar"):
        return language_name("ar")


def unique_email(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(6)}@example.org"


def path_of(url: str) -> str:
    return unquote(urlsplit(url).path)


def assert_no_blocking_violations(page, run_axe, what: str) -> None:
    violations = run_axe(page)
    blocking = [violation for violation in violations
                if violation["impact"] in BLOCKING_IMPACTS]
    others = [violation for violation in violations if violation not in blocking]
    if others:
        print(f"axe on {what}, below serious:\n{describe_violations(others)}")
    assert not blocking, f"axe on {what}:\n{describe_violations(blocking)}"


def log_in(page, lang: str, email: str, password: str) -> None:
    """Through the login form; lands on the account's overview."""
    page.goto(f"/{lang}/account/login")
    form = page.locator("main form.stacked-form")
    form.locator("input[name=email]").fill(email)
    form.locator("input[name=password]").fill(password)
    form.locator("button[type=submit]").click()
    page.wait_for_url(lambda url: path_of(url).endswith("/account/"), timeout=NAVIGATION_MS)


def ticked(page, name: str) -> list[str]:
    return page.locator(f"form.profile-form input[type=checkbox][name={name}]:checked") \
        .evaluate_all("boxes => boxes.map(box => box.value)")


def fill_profile(page, name: str, description: str) -> None:
    """A Moroccan cooperative of Berkane, its codes left for the site to read."""
    form = page.locator("form.profile-form")
    form.locator("input[name=name]").fill(name)
    form.locator("select[name=kind]").select_option("cooperative")
    form.locator("select[name=country]").select_option("MA")
    form.locator("input[name=province]").fill("بركان")
    form.locator("textarea[name=description]").fill(description)


def press_check(page) -> None:
    """The «read my text» button, without the script: a full page comes back."""
    with page.expect_navigation(timeout=NAVIGATION_MS):
        page.locator("form.profile-form button[name=check]").click()
    page.locator("#check-result section.check-result").wait_for()


@pytest.fixture(scope="session")
def member(live_app, live_server) -> tuple[str, str]:
    """A confirmed account (address, password), created directly."""
    email = unique_email("member")
    with live_app.app_context():
        create_user(email, PASSWORD, name="Amina Test", lang="fr", role=Role.MEMBER)
    return email, PASSWORD


@pytest.fixture
def signed_in_page(new_page, member):
    page = new_page()
    log_in(page, "fr", *member)
    return page


@pytest.fixture(scope="session")
def existing_name(live_server) -> str:
    """The name of a published Moroccan profile of the demo data."""
    query = urlencode({"country": "MA", "per_page": 1})
    with urlopen(f"{live_server}/api/v1/profiles?{query}", timeout=30) as response:
        items = json.load(response)["items"]
    assert items, "the demo data has no Moroccan profile"
    return items[0]["name"]


# --- the whole way, in Arabic --------------------------------------------------------------

def test_arabic_cooperative_registers_confirms_and_submits_its_profile(
        new_page, live_app, live_server, screenshots):
    page = new_page()
    email = unique_email("ar-cooperative")

    # Register.
    page.goto("/ar/account/register")
    assert page.locator("html").get_attribute("dir") == "rtl"
    form = page.locator("main form.stacked-form")
    page.get_by_label(translated(live_app, "ar", "Your name")).fill("فاطمة الزهراء")
    page.get_by_label(translated(live_app, "ar", "E-mail address")).fill(email)
    page.get_by_label(translated(live_app, "ar", "Password")).fill(PASSWORD)
    form.locator("select[name=lang]").select_option("ar")
    form.locator("input[name=consent]").check()
    form.get_by_role("button", name=translated(live_app, "ar", "Create my account")).click()
    page.wait_for_url(lambda url: path_of(url) == "/ar/account/check-your-mailbox",
                      timeout=NAVIGATION_MS)
    assert page.locator("h1").inner_text().strip() == \
        translated(live_app, "ar", "Check your mailbox")

    # The confirmation e-mail, in the outbox, links back to this server in Arabic.
    page.goto("/dev/outbox")
    row = page.locator("table.data-table tbody tr").filter(has_text=email)
    assert row.count() >= 1, f"no e-mail to {email} in the outbox"
    row.first.get_by_role("link").click()  # the newest first
    page.wait_for_url(lambda url: path_of(url).startswith("/dev/outbox/"))
    link = page.locator("pre.mail-body a[href*='/account/confirm/']")
    assert link.count() == 1, page.locator("pre.mail-body").inner_text()
    href = link.get_attribute("href")
    assert href.startswith(f"{live_server}/ar/account/confirm/"), href
    link.click()
    page.wait_for_url(lambda url: path_of(url) == "/ar/account/login", timeout=NAVIGATION_MS)
    assert page.locator(".flashes").inner_text().strip() == \
        translated(live_app, "ar", "Your e-mail address is confirmed.")

    # Log in.
    form = page.locator("main form.stacked-form")
    page.get_by_label(translated(live_app, "ar", "E-mail address")).fill(email)
    page.get_by_label(translated(live_app, "ar", "Password")).fill(PASSWORD)
    form.get_by_role("button", name=translated(live_app, "ar", "Log in")).click()
    page.wait_for_url(lambda url: path_of(url) == "/ar/account/", timeout=NAVIGATION_MS)

    # The profile form, nothing ticked; the site reads the description.
    page.goto("/ar/profiles/new")
    assert path_of(page.url) == "/ar/profiles/new"
    assert not any(ticked(page, name) for name in TAGGED)
    fill_profile(page, COOPERATIVE_NAME, DESCRIPTIONS["ar"])
    press_check(page)
    sectors, needs = ticked(page, "sectors"), ticked(page, "needs")
    assert sectors, "no sector ticked after reading the description"
    assert needs, "no need ticked after reading the description"
    assert {"packaging", "marketing"} & set(needs), f"needs read: {needs}"
    marked = page.locator("form.profile-form .checkbox-group label .badge")
    assert marked.count() >= len(sectors) + len(needs), "suggested boxes are not marked"
    detected = translated(live_app, "ar", "Language of the description: %(language)s.",
                          language=arabic_language_name(live_app))
    assert detected in page.locator("#check-result").inner_text(), \
        page.locator("#check-result").inner_text()
    # What was typed is still there.
    form = page.locator("form.profile-form")
    assert form.locator("input[name=name]").input_value() == COOPERATIVE_NAME
    assert form.locator("textarea[name=description]").input_value() == DESCRIPTIONS["ar"]

    # Submit: the profile page, waiting for a moderator, right to left.
    form.get_by_role("button", name=translated(live_app, "ar", "Submit for moderation")).click()
    page.wait_for_url(lambda url: path_of(url).startswith("/ar/profiles/")
                      and path_of(url) != "/ar/profiles/new", timeout=NAVIGATION_MS)
    notice = page.locator("div.status-notice.status-pending")
    notice.wait_for(state="visible")
    assert page.locator("h1").inner_text().strip() == COOPERATIVE_NAME
    html = page.locator("html")
    assert (html.get_attribute("lang"), html.get_attribute("dir")) == ("ar", "rtl")
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    target = screenshots / "ar-profile-submitted.png"
    target.unlink(missing_ok=True)
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 0


# --- accessibility -------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["ar", "fr"])
@pytest.mark.parametrize("which", ["register", "login"])
def test_account_forms_have_no_serious_accessibility_violations(page, run_axe, lang, which):
    path = f"/{lang}/account/{which}"
    page.goto(path)
    page.locator("main form.stacked-form").wait_for()
    assert_no_blocking_violations(page, run_axe, path)


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_register_form_with_errors_has_no_serious_accessibility_violations(
        page, run_axe, lang):
    path = f"/{lang}/account/register"
    page.goto(path)
    with page.expect_navigation(timeout=NAVIGATION_MS):
        page.locator("main form.stacked-form button[type=submit]").click()
    page.locator("#error-summary").wait_for(state="visible")
    assert page.locator("main [aria-invalid=true]").count() >= 1
    assert_no_blocking_violations(page, run_axe, f"{path}, sent empty")


@pytest.mark.parametrize("lang", ["ar", "fr"])
@pytest.mark.parametrize("state", ["new", "checked", "invalid"])
def test_profile_form_has_no_serious_accessibility_violations(
        signed_in_page, run_axe, existing_name, lang, state):
    """As first shown; after the check button, with the reading and the warning about a
    profile of the same name; sent empty, with its errors."""
    page = signed_in_page
    path = f"/{lang}/profiles/new"
    page.goto(path)
    assert path_of(page.url) == path, f"not let in to {path}: {page.url}"
    if state == "checked":
        fill_profile(page, existing_name, DESCRIPTIONS[lang])
        press_check(page)
        page.locator("#check-result .warning").wait_for(state="visible")
    elif state == "invalid":
        with page.expect_navigation(timeout=NAVIGATION_MS):
            page.locator("form.profile-form > .actions button[type=submit]").click()
        page.locator("#error-summary").wait_for(state="visible")
    assert_no_blocking_violations(page, run_axe, f"{path} ({state})")
