"""``python -m speakout_map``: see :mod:`speakout_map.cli`."""

import sys

from .cli import main

sys.exit(main())
