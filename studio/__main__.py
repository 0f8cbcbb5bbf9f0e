"""`python -m studio ...`: see studio/cli.py."""

from __future__ import annotations

import sys

from studio.cli import main

sys.exit(main())
