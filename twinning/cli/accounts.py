"""``flask twinning create-user``: an account made by an administrator, confirmed at once."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from twinning.accounts import service as accounts
from twinning.accounts.service import AccountError
from twinning.i18n import LANGUAGES
from twinning.models import Role
from twinning.profiles import service as profiles


def _password() -> str:
    """From standard input when it is not a terminal (scripts), else asked twice."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt(_("Password"), hide_input=True, confirmation_prompt=True)


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice([role.value for role in Role]),
              default=Role.MEMBER.value, show_default=True)
@click.option("--name", help="The person's name (default: the e-mail address's local part).")
@click.option("--lang", type=click.Choice(LANGUAGES), default="fr", show_default=True,
              help="Preferred language, for the site and e-mails.")
@click.option("--owner", "owners", multiple=True, metavar="EXTERNAL_ID",
              help="Make the account owner of this profile (external_id or slug); repeatable.")
@click.option("--facilitator", is_flag=True,
              help="May keep profiles for organisations without internet access.")
@with_appcontext
def create_user_command(email: str, role: str, name: str | None, lang: str,
                        owners: tuple[str, ...], facilitator: bool) -> None:
    """Create a confirmed account for EMAIL; the password is read from standard input when
    it is not a terminal, else asked twice."""
    owned = []
    for reference in owners:
        profile = profiles.find_by_reference(reference)
        if profile is None:
            raise click.ClickException(_("no profile %(reference)r", reference=reference))
        owned.append(profile)
    try:
        user = accounts.create_user(email, _password(), name=name or email.partition("@")[0],
                                    lang=lang, role=Role(role), facilitator=facilitator,
                                    owner_of=tuple(owned))
    except AccountError as error:
        raise click.ClickException(f"{error.field}: {error.message}" if error.field
                                   else error.message) from error
    click.echo(_("Account %(email)s created (%(role)s), owner of %(count)d profile(s).",
                 email=user.email, role=user.role.value, count=len(owned)))
