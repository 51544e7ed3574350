"""What the published directory shows, remembered per process until a profile changes.

Every change to a profile goes through the index's change log (:mod:`twinning.index_version`),
so the log's newest id is a version of everything published: the home page's counts, the
directory's facets, a page of search results, a page of the API's list. Each app server
remembers such answers by that version, asked once per request (one indexed query), and
forgets them all when it moves on: a profile approved through one server is in the next
answer of every server. What depends on the reader (who is signed in, their organisations)
is never remembered here; a page keeps it outside the remembered content block.

Kept per app (tests build many apps on one database URL) and bounded in size.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from flask import current_app, render_template, request
from markupsafe import Markup

from twinning import index_version
from twinning.i18n import current_language

Value = TypeVar("Value")

# Past this many answers for one version, they are all forgotten (a crawler walking every
# page of every filter must not grow a worker without bound).
MAX_ANSWERS = 2048


@dataclass
class _Answers:
    version: int = -1
    by_key: dict[Hashable, Any] = field(default_factory=dict)


def remember(key: Hashable, compute: Callable[[], Value]) -> Value:
    """``compute()``'s answer, remembered under ``key`` until a profile changes."""
    answers: _Answers = current_app.extensions.setdefault("remembered", _Answers())
    version = index_version.latest_in_request()
    if answers.version != version or len(answers.by_key) > MAX_ANSWERS:
        answers.version, answers.by_key = version, {}
    if key not in answers.by_key:
        answers.by_key[key] = compute()
    return answers.by_key[key]


def request_key() -> tuple:
    """The request as the answer to it depends on: its path (the language is part of it)
    and its arguments, in any order."""
    return (current_language(), request.path, tuple(sorted(request.args.items(multi=True))))


def render_with_remembered_content(template: str, content: Callable[[], dict[str, Any]],
                                   key: Hashable = (), **page: Any) -> str:
    """Render ``template`` with its ``content`` block remembered for this request's path
    and arguments (and ``key``: what else it depends on besides the published profiles).
    ``content()`` gives what only the block needs (called when it is rendered afresh);
    ``page`` what the rest of the page needs, given every time. The block must not depend
    on the reader: base.html shows the remembered block in place of rendering it."""

    def rendered() -> Markup:
        compiled = current_app.jinja_env.get_or_select_template(template)
        context = {**page, **content()}
        current_app.update_template_context(context)
        return Markup("".join(compiled.blocks["content"](compiled.new_context(context))))

    html = remember(("content", template, key, *request_key()), rendered)
    return render_template(template, remembered_content=html, **page)


def render_remembered(template: str, key: Hashable,
                      context: Callable[[], dict[str, Any]]) -> Markup:
    """A partial ``template`` rendered with ``context()``, remembered under ``key`` (with
    the language) until a profile changes: a part of a page that may not be the same for
    every reader, rendered once for each kind of reader its ``key`` names."""
    return remember(("partial", template, current_language(), key),
                    lambda: Markup(render_template(template, **context())))
