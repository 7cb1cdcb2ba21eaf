"""Where Fabrique's files are, read without Django (the settings and the light commands of
``fabrique/__main__.py`` share them): ``FABRIQUE_VAR_DIR`` moves the var directory."""

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent
VAR_DIR = Path(os.environ.get("FABRIQUE_VAR_DIR", BASE_DIR / "var")).resolve()
DATA_DIR = PACKAGE_DIR / "data"
