"""Editors' Markdown reaches readers as HTML that cannot run anything."""

import pytest

from tests.factories import InitiativeFactory, MineralFactory, SectorFactory

pytestmark = pytest.mark.django_db

HOSTILE = """Useful **bold** text and a [good link](https://example.org/report).

<script>alert('body')</script>

<img src="x" onerror="alert('img')">

[click me](javascript:alert('link'))

<a href="JaVaScRiPt:alert('mixed')">mixed case</a>

<p onclick="alert('click')" style="color:red">styled</p>

<iframe src="https://evil.example"></iframe>
"""


def assert_harmless(html):
    body = html.split("<main", 1)[1].split("</main>", 1)[0]
    lowered = body.lower()
    assert "<script" not in lowered
    assert "onerror" not in lowered and "onclick" not in lowered
    assert "javascript:" not in lowered
    assert "<iframe" not in lowered and "style=" not in lowered
    assert "alert(" not in lowered, "the hostile code is dropped, not merely escaped"


@pytest.mark.parametrize(
    "factory, path",
    [
        (InitiativeFactory, "/initiatives/hostile/"),
        (SectorFactory, "/sectors/hostile/"),
        (MineralFactory, "/minerals/hostile/"),
    ],
)
def test_script_onerror_and_javascript_links_never_reach_the_reader(client, factory, path):
    factory(slug="hostile", body=HOSTILE)
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert_harmless(html)
    assert "<strong>bold</strong>" in html
    assert 'href="https://example.org/report"' in html
    assert "styled" in html


def test_markdown_function_is_the_one_place_bodies_become_html():
    from trustsite.markdown import render_markdown

    html = render_markdown(HOSTILE)
    assert "<script" not in html and "onerror" not in html and "javascript:" not in html.lower()
    assert "<strong>bold</strong>" in html
    assert render_markdown("") == ""


def test_the_feed_carries_editors_text_as_text_not_markup(client):
    from xml.etree import ElementTree

    InitiativeFactory(
        slug="hostile-feed", summary="<script>alert('feed')</script><img src=x onerror=alert(1)>"
    )
    feed = ElementTree.fromstring(client.get("/feed/").content)
    atom = "{http://www.w3.org/2005/Atom}"

    summaries = [entry.findtext(f"{atom}summary") for entry in feed.iter(f"{atom}entry")]

    hostile = next(summary for summary in summaries if "feed" in summary)
    assert "<script" not in hostile and "<img" not in hostile, hostile
    assert "&lt;script&gt;" in hostile, "shown to the reader as the text it is"
