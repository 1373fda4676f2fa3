"""``python -m worker`` runs the ``zbsync`` command line."""

import sys

from .cli import main

sys.exit(main())
