"""Exchange pages: ``/<lang>/profiles/<slug>/request``, ``/<lang>/exchanges/``,
``/<lang>/exchanges/<id>`` and its actions and thread.

Only the members of the two organisations see an exchange (anybody else: 404). An action
the state does not allow answers 409 with its reason, and changes nothing.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from twinning import suggestions
from twinning.access import confirmed_required, login_required
from twinning.exchanges import forms, service, states
from twinning.exchanges.labels import state_label
from twinning.exchanges.service import ExchangeError
from twinning.forms import as_choices
from twinning.matching.records import Reason
from twinning.models import Exchange, Purpose
from twinning.profiles import service as profiles
from twinning.ratelimits import rate_limited
from twinning.routing import localized_blueprint

blueprint = localized_blueprint("exchanges", __name__)


@blueprint.route("/profiles/<slug>/request", methods=["GET", "POST"])
@confirmed_required
@rate_limited("exchange_request")
def request_form(slug: str) -> ResponseReturnValue:
    partner = profiles.get_published(slug)
    if partner is None:
        abort(404)
    organisations = service.organisations_to_ask_from(current_user, partner)
    if not organisations:
        return render_template("exchanges/no_organisation.html", partner=partner)
    form = forms.RequestForm()
    form.from_profile.choices = as_choices((profile.slug, profile.name)
                                           for profile in organisations)
    if request.method == "GET":
        wanted = request.args.get("from")
        form.from_profile.data = wanted if any(profile.slug == wanted
                                               for profile in organisations) \
            else organisations[0].slug
    status = 200
    if form.validate_on_submit():
        requester = next(profile for profile in organisations
                         if profile.slug == form.from_profile.data)
        try:
            exchange = service.request_exchange(
                current_user, requester, partner, Purpose(form.purpose.data),
                form.message.data, form.period_from.data, form.period_to.data)
        except ExchangeError as error:
            _show(form, error)
            status = error.status
        else:
            flash(_("Your request is sent to %(name)s.", name=partner.name))
            return redirect(url_for("exchanges.detail", exchange_id=exchange.id), 303)
    elif request.method == "POST":
        status = 422
    asking = next((profile for profile in organisations
                   if profile.slug == form.from_profile.data), organisations[0])
    preview = suggestions.match_between(asking, partner)
    return render_template("exchanges/request.html", form=form, partner=partner,
                           asking=asking, reasons=_reasons(preview.get("requester", []))), \
        status


def _show(form, error: ExchangeError) -> None:
    if error.field and error.field in form:
        form[error.field].errors = [*form[error.field].errors, error.message]
    else:
        flash(error.message, "error")


def _reasons(items: list[dict]) -> list[Reason]:
    return [Reason(item["kind"], tuple(item["terms"])) for item in items]


@blueprint.get("/exchanges/")
@login_required
def index() -> ResponseReturnValue:
    return render_template("exchanges/list.html",
                           exchanges=service.exchanges_of(current_user),
                           kept={row.profile_id for row in current_user.memberships})


def _exchange(exchange_id: int) -> Exchange:
    exchange = service.get_for(current_user, exchange_id)
    if exchange is None:
        abort(404)
    return exchange


@blueprint.get("/exchanges/<int:exchange_id>")
@login_required
def detail(exchange_id: int) -> ResponseReturnValue:
    return _detail_page(_exchange(exchange_id))


def _detail_page(exchange: Exchange, status: int = 200, error: str | None = None,
                 message_form=None, action_form=None) -> ResponseReturnValue:
    sides = service.sides_of(current_user, exchange)
    side = states.REQUESTER if states.REQUESTER in sides else states.PARTNER
    return render_template(
        "exchanges/detail.html", exchange=exchange, side=side, error=error,
        reasons=_reasons(exchange.match.get(side, [])),
        actions=states.allowed(exchange.state, sides),
        action_form=action_form or forms.ActionForm(),
        message_form=message_form or forms.MessageForm(),
    ), status


@blueprint.post("/exchanges/<int:exchange_id>/<action>")
@login_required
def act(exchange_id: int, action: str) -> ResponseReturnValue:
    if action not in states.ACTIONS:
        abort(404)
    exchange = _exchange(exchange_id)
    form = forms.ActionForm()
    if not form.validate():
        abort(400)
    transition = states.find(action, exchange.state)
    note = form[transition.note].data if transition and transition.note else None
    try:
        service.act(current_user, exchange, action, note)
    except ExchangeError as error:
        return _detail_page(exchange, error.status, error.message, action_form=form)
    flash(_("The exchange is now: %(state)s.", state=state_label(exchange.state)))
    return redirect(url_for("exchanges.detail", exchange_id=exchange.id), 303)


@blueprint.post("/exchanges/<int:exchange_id>/messages")
@login_required
@rate_limited("message")
def post_message(exchange_id: int) -> ResponseReturnValue:
    exchange = _exchange(exchange_id)
    form = forms.MessageForm()
    if not form.validate():
        return _detail_page(exchange, 422, message_form=form)
    try:
        service.post_message(current_user, exchange, form.text.data)
    except ExchangeError as error:
        form.text.errors = [*form.text.errors, error.message]
        return _detail_page(exchange, error.status, message_form=form)
    return redirect(url_for("exchanges.detail", exchange_id=exchange.id, _anchor="thread"),
                    303)
