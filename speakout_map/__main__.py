"""``python -m speakout_map``: see :mod:`speakout_map.cli`."""

import sys

from speakout_map.cli import main

sys.exit(main())
