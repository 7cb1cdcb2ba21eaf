"""Settings for the test suite: the usual settings in ``test`` mode."""

import os

os.environ.setdefault("FABRIQUE_MODE", "test")

from fabrique.settings import *  # noqa: F403
