"""Plain text and dates out of what LHÉO flows really hold.

Rich-text fields come as plain text, escaped HTML (``&lt;p&gt;``), doubly escaped entities
(``&amp;lt;p&amp;gt;``) or CDATA sections wrapping HTML; we keep clean text with line breaks
where the HTML had blocks. Dates are ``AAAAMMJJ``; ``AAAAMM00`` gives a month only (and
``AAAA0000`` a year only), ``00000000`` and ``99999999`` mean "not known".
"""

from __future__ import annotations

import calendar
import datetime as dt
import html
import re
from html.parser import HTMLParser

from fabrique.trainings.lheo.codes import EMPTY_VALUES

_ENTITY = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")
_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>")
_BLOCKS = frozenset(
    {"p", "div", "br", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table"}
)
_SKIPPED = frozenset({"script", "style"})
UNKNOWN_DATES = frozenset({"00000000", "99999999"})


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skipping = max(self.skipping - 1, 0)
        elif tag in _BLOCKS and tag != "li":
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def strip_tags(value: str) -> str:
    extractor = _TextExtractor()
    extractor.feed(value)
    extractor.close()
    return "".join(extractor.parts)


def clean_text(value: str | None) -> str:
    """Readable plain text: entities decoded (up to three times), HTML tags removed."""
    if not value:
        return ""
    text = value
    for _ in range(3):
        if not _ENTITY.search(text):
            break
        text = html.unescape(text)
    if _TAG.search(text):
        text = strip_tags(text)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    paragraphs: list[str] = []
    for line in lines:
        if line or (paragraphs and paragraphs[-1]):
            paragraphs.append(line)
    text = "\n".join(paragraphs).strip()
    return "" if text in EMPTY_VALUES else text


def clean_line(value: str | None) -> str:
    """A one-line value (a name, a code, a city): spaces collapsed, placeholders dropped."""
    text = " ".join((value or "").split())
    return "" if text in EMPTY_VALUES else text


class InvalidDate(ValueError):
    pass


def parse_date(value: str, *, end: bool = False) -> dt.date | None:
    """The date of an LHÉO ``AAAAMMJJ`` value; ``None`` when the file says it is not known.

    A month-only date (``AAAAMM00``) is the first day of the month for a start and the last
    for an end; likewise a year-only date. Raises ``InvalidDate`` for a date that does not
    exist (``20270230``) or a value that is not eight digits.
    """
    value = value.strip()
    if value in UNKNOWN_DATES:
        return None
    if len(value) != 8 or not value.isdigit():
        raise InvalidDate(f"“{value}” is not a date written AAAAMMJJ")
    year, month, day = int(value[:4]), int(value[4:6]), int(value[6:])
    if month == 0 and day == 0:
        return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
    if month == 0:
        raise InvalidDate(f"“{value}” is not a real date (month 00 with a day)")
    if day == 0:
        if not 1 <= month <= 12:
            raise InvalidDate(f"“{value}” is not a real date (there is no month {month})")
        return dt.date(year, month, calendar.monthrange(year, month)[1] if end else 1)
    try:
        return dt.date(year, month, day)
    except ValueError as error:
        raise InvalidDate(f"“{value}” is not a real date ({error})") from error


def format_date(value: dt.date | None) -> str:
    return value.strftime("%Y%m%d") if value else "00000000"
