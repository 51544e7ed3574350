"""The API against its own description: ``st run /api/v1/openapi.json --checks all``
(schemathesis) ends with no failure — values valid by the description are answered, invalid
ones refused with a 400, every answer matches its declared schema, undeclared methods get a
405 with ``Allow``.

The command itself is run, against the app served on a free port, as anybody would run it
from outside; the number of examples follows the hypothesis profile (a few here, many more
with ``make fuzz``). A handful of profiles keeps each answer quick: the contract, not the
model, is under test.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import ONE_COOPERATIVE
from hypothesis import settings
from site_helpers import PASSWORD
from werkzeug.serving import make_server

from twinning.accounts import service as accounts
from twinning.exchanges import service as exchanges
from twinning.models import ExchangeState, Purpose, Role
from twinning.profiles import service
from twinning.profiles.interchange import validate_record

PARTNER = {**ONE_COOPERATIVE, "external_id": "ville-sete", "name": "Ville de Sète",
           "kind": "local_authority", "country": "FR", "province": None, "city": "Sète",
           "languages": ["fr"], "needs": ["training_governance"], "offers": ["packaging"],
           "description": "La ville de Sète accompagne ses producteurs dans l'emballage et "
                          "cherche des échanges sur la gouvernance des coopératives.",
           "email": None, "phone": None}
# Also how long the answers may take: a loaded machine is not a broken contract.
RESPONSE_TIME_LIMIT = "60"
CI_SEED = "20261130"


@pytest.fixture(scope="module")
def served_api(make_module_app):
    """The API of two published profiles with an accepted exchange, on a free port."""
    app = make_module_app()
    with app.test_request_context("/fr/"):
        service.save_records([validate_record(raw, "test", line)[0]
                              for line, raw in enumerate((ONE_COOPERATIVE, PARTNER), 1)])
        nahla, sete = (service.find_by_reference(ref) for ref in ("coop-nahla", "ville-sete"))
        asking = accounts.create_user("a@nahla.example.org", PASSWORD, name="Amina",
                                      lang="fr", role=Role.MEMBER, owner_of=(nahla,))
        answering = accounts.create_user("l@sete.example.org", PASSWORD, name="Luc",
                                         lang="fr", role=Role.MEMBER, owner_of=(sete,))
        exchange = exchanges.request_exchange(asking, nahla, sete, Purpose.TRADE, "Bonjour")
        exchanges.act(answering, exchange, "accept")
        assert exchange.state == ExchangeState.ACCEPTED
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


def test_schemathesis_finds_no_failure(served_api, tmp_path):
    examples = max(5, settings.default.max_examples // 5)
    command = [str(Path(sys.executable).parent / "st"), "run",
               f"{served_api}/api/v1/openapi.json", "--checks", "all",
               "--max-examples", str(examples), "--workers", "1",
               "--max-response-time", RESPONSE_TIME_LIMIT, "--request-timeout",
               RESPONSE_TIME_LIMIT, "--no-color"]
    if os.environ.get("HYPOTHESIS_PROFILE", "ci") == "ci":
        # The suite's run is the same every time; ``make fuzz`` explores with new seeds.
        command += ["--seed", CI_SEED]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True,
                            timeout=1800, check=False)
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-2000:]
