"""Settings for the test suite: the usual settings in ``test`` mode."""

import os

os.environ.setdefault("FABRIQUE_MODE", "test")

from fabrique.settings import *  # noqa: F403

import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

# Uploaded files of the tests go to a directory of their own, never to var/media.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="fabrique-test-media-"))
