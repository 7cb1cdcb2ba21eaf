"""Settings for the test suite: the usual settings in ``test`` mode."""

import os

os.environ.setdefault("FABRIQUE_MODE", "test")

import tempfile
from pathlib import Path

from fabrique.settings import *  # noqa: F403

# Uploaded files of the tests go to a directory of their own, never to var/media.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="fabrique-test-media-"))
