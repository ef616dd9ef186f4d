"""Checking a source's address: what it answers now, and where its redirects lead.

Used by ``manage.py check_sources``. Each address is asked once, and each redirect it
gives is followed and recorded, up to :data:`MAX_REDIRECTS`; nothing else is fetched
(no ``robots.txt``, no page's links). Only ``http`` and ``https`` addresses are asked, a
redirect included, so a stored address cannot make the site read a local file.
"""

import dataclasses
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings

from .models import LinkStatus

MAX_REDIRECTS = 10
#: Redirects that say the document has moved for good (the others are temporary).
PERMANENT = {301, 308}
SCHEMES = {"http", "https"}


@dataclasses.dataclass
class Result:
    status: str
    final_url: str
    #: Each redirect followed: [status code, from, to].
    redirects: list
    error: str = ""


class NoRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects come back as answers, so each hop is seen and recorded."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def opener():
    """urllib without its redirect handling and without proxies from the environment."""
    return urllib.request.build_opener(NoRedirects, urllib.request.ProxyHandler({}))


def ask(url, timeout):
    """The status code and ``Location`` of one GET of ``url`` (its body is not read)."""
    request = urllib.request.Request(
        url, headers={"User-Agent": f"{settings.SITE_NAME} check_sources"}
    )
    try:
        with opener().open(request, timeout=timeout) as response:
            return response.status, response.headers.get("Location")
    except urllib.error.HTTPError as answer:
        with answer:
            return answer.code, answer.headers.get("Location")


def check_address(url, timeout=10.0):
    """What ``url`` answers, following its redirects: a :class:`Result`. Each request may
    take ``timeout`` seconds (to connect, and between bytes of the answer)."""
    redirects = []
    current = url
    try:
        for _ in range(MAX_REDIRECTS + 1):
            if urllib.parse.urlsplit(current).scheme not in SCHEMES:
                return Result(LinkStatus.ERROR, current, redirects, "not an http(s) address")
            code, location = ask(current, timeout)
            if 300 <= code < 400 and location:
                target = urllib.parse.urljoin(current, location)
                redirects.append([code, current, target])
                current = target
                continue
            if code >= 500:
                return Result(LinkStatus.ERROR, current, redirects, f"HTTP {code}")
            if code >= 400:
                return Result(LinkStatus.DEAD, current, redirects, f"HTTP {code}")
            moved = any(hop[0] in PERMANENT for hop in redirects)
            return Result(LinkStatus.MOVED if moved else LinkStatus.OK, current, redirects)
        return Result(LinkStatus.ERROR, current, redirects, "too many redirects")
    except TimeoutError:
        return Result(LinkStatus.ERROR, current, redirects, f"no answer within {timeout:g} s")
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, TimeoutError):
            return Result(LinkStatus.ERROR, current, redirects, f"no answer within {timeout:g} s")
        return Result(LinkStatus.ERROR, current, redirects, str(reason)[:300])
    except (OSError, ValueError) as error:
        reason = str(error)[:300] or type(error).__name__
        return Result(LinkStatus.ERROR, current, redirects, reason)
