"""Reading rendered pages in tests: table rows and visible text, numbers without separators."""

import re
from html.parser import HTMLParser

# Thousands separators in French (narrow no-break space), German and English.
_GROUPS = re.compile(r"(?<=\d)[\u202f\xa0 .,](?=\d{3}\b)")


def plain(text: str) -> str:
    """Whitespace collapsed and digit groups joined: "20 493" -> "20493"."""
    return _GROUPS.sub("", " ".join(text.split()))


class _Rows(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self.rows:
            self.rows[-1].append(plain("".join(self._cell)))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def rows(html: str) -> list[list[str]]:
    """The cells of every table row of the page, as plain text."""
    parser = _Rows()
    parser.feed(html)
    return parser.rows


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def text(html: str) -> str:
    """The visible text of the page, as plain text."""
    parser = _Text()
    parser.feed(html)
    return plain(" ".join(parser.parts))
