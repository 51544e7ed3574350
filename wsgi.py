"""Entry point for ``flask`` and WSGI servers."""

import sys

from twinning import create_app
from twinning.config import ConfigurationError

try:
    app = create_app()
except ConfigurationError as exc:
    # One clear line for the operator instead of a traceback.
    sys.exit(f"twinning: {exc}")
