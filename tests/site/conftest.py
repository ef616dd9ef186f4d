import re
from html.parser import HTMLParser

import pytest

from tests.factories import grow_content


@pytest.fixture
def grown(content):
    """The real content plus ten times as much again, for query-count comparisons."""
    grow_content(times=10)


class PageParser(HTMLParser):
    """What a reader (or a crawler) takes from a page: title, description, links, headings."""

    def __init__(self):
        super().__init__()
        self.title = ""
        self.description = None
        self.links = []
        self.ids = set()
        self.headings = []
        self._in = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "link" and attrs.get("rel") in ("stylesheet", "icon"):
            self.links.append(attrs["href"])
        if tag == "meta" and attrs.get("name") == "description":
            self.description = attrs.get("content")
        if tag == "title" or re.fullmatch(r"h[1-6]", tag):
            self._in = tag
            if tag != "title":
                self.headings.append([int(tag[1]), ""])

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        elif self._in:
            self.headings[-1][1] += data


def parse(response):
    parser = PageParser()
    parser.feed(response.content.decode())
    return parser


def text_of(response):
    """The page's visible text with tags removed and whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#x27;", "'")
