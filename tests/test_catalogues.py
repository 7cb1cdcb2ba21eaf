"""The French and German catalogues are complete, and the compiled files match them."""

import gettext
import json
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parent.parent / "fabrique" / "locale"
LANGUAGES = ["fr", "de"]


def entries(po: Path):
    """(context, msgid, plural, [msgstr...], fuzzy) for each message of a .po file."""
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        fields: dict[str, str] = {}
        current = None
        fuzzy = False
        for line in block.splitlines():
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            elif line.startswith("#~"):
                current = None
            elif line.startswith(("msgctxt", "msgid", "msgstr")):
                key, value = line.split(" ", 1)
                current = key
                fields[key] = json.loads(value)
            elif line.startswith('"') and current:
                fields[current] += json.loads(line)
        if fields.get("msgid"):
            strs = [v for k, v in sorted(fields.items()) if k.startswith("msgstr")]
            yield fields.get("msgctxt"), fields["msgid"], fields.get("msgid_plural"), strs, fuzzy


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_has_no_untranslated_or_fuzzy_message(language):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"

    problems = [
        msgid for _ctx, msgid, _plural, strs, fuzzy in entries(po) if fuzzy or not all(strs)
    ]

    assert problems == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches_its_source(language):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    with (LOCALE / language / "LC_MESSAGES" / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)

    stale = []
    for context, msgid, plural, strs, _fuzzy in entries(po):
        if plural:
            got = (
                compiled.npgettext(context, msgid, plural, 1)
                if context
                else compiled.ngettext(msgid, plural, 1)
            )
        else:
            got = compiled.pgettext(context, msgid) if context else compiled.gettext(msgid)
        if got != strs[0]:
            stale.append(msgid)

    assert stale == [], "run: make messages"
