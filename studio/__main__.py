"""`python -m studio ...`: see studio/exchange/cli.py."""

from __future__ import annotations

import sys

from studio.exchange.cli import main

sys.exit(main())
