"""Reading the dashboard's tables and chart out of a page's HTML."""

import re
from html.parser import HTMLParser


class _Tables(HTMLParser):
    """Every <table>'s rows, each row the text of its cells (th and td)."""

    def __init__(self):
        super().__init__()
        self.tables, self._cell = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("th", "td"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._cell is not None:
            self.tables[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def tables(html):
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def row(html, first_cell):
    """The cells of the one table row whose first cell reads `first_cell`."""
    rows = [cells for table in tables(html) for cells in table if cells[:1] == [first_cell]]
    assert len(rows) == 1, f"{len(rows)} rows start with {first_cell!r}"
    return rows[0]


def table_after(html, heading):
    """The rows (header row included) of the first table after the heading `heading`."""
    start = html.index(f">{heading}</h2>")
    return tables(html[start:])[0]


def svg(html):
    svgs = re.findall(r"<svg\b.*?</svg>", html, re.DOTALL)
    assert len(svgs) == 1
    return svgs[0]


def bars(chart):
    """[(height, tooltip)] for each bar of the chart, left to right."""
    return [
        (float(height), title)
        for height, title in re.findall(
            r'<rect\b[^>]*\bheight="([^"]+)"[^>]*>\s*<title>([^<]*)</title>\s*</rect>', chart
        )
    ]


def text_labels(chart):
    return re.findall(r"<text\b[^>]*>([^<]*)</text>", chart)
