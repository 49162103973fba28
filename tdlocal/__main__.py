"""`python -m tdlocal ...`: the same as the `tdlocal` command."""

import sys

from tdlocal.cli import main

sys.exit(main())
