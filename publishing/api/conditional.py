"""Validators for the API: an ETag on every successful read, 304 on a repeat, 412 on a
write that would overwrite changes its sender has not seen.

The ETag is a hash of what the answer says (its data and its media type), not a
guess from ``updated`` times: a list or a detail also shows related items (their
links, an initiative's sections), and a deleted item or a renamed neighbour
changes the answer without touching any ``updated`` in the queryset. Hashing the
data rather than the bytes lets a write check ``If-Match`` against the item as
its sender last read it, whatever the indentation or compression of that read.
For users who edit the item the tag also carries the item's version, so a 412
can say what changed in between.
"""

import hashlib
import json

from django.utils.cache import patch_vary_headers
from rest_framework import status
from rest_framework.exceptions import APIException

#: The answer depends on the format asked for and on who asks (editors see drafts).
VARY_ON = ("Accept", "Authorization", "Cookie")


def representation_etag(data, media_type, version=None):
    encoded = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
    digest = hashlib.sha256(f"{media_type}\n{encoded}".encode()).hexdigest()[:32]
    return f'"v{version}-{digest}"' if version is not None else f'"{digest}"'


def parse_etags(header):
    """The tags of an ``If-Match`` header, without weakness marks (gzip weakens the tags
    it compresses, but the tag still names the same data)."""
    return [tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()]


def version_in(tag):
    """The item version an editor's tag carries, if it carries one."""
    if tag.startswith('"v') and "-" in tag:
        return tag[2:].split("-", 1)[0]
    return None


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The item changed after you read it; read it again before writing."
    default_code = "precondition_failed"


class ConditionalGetMixin:
    """For API views: the ETag of a successful read is its data's (see the module docstring);
    Django's ConditionalGetMiddleware answers 304 from it, as for every other answer. The
    body varies by format and user."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_vary_headers(response, VARY_ON)
        if (
            request.method in ("GET", "HEAD")
            and response.status_code == 200
            and getattr(response, "data", None) is not None
        ):
            media_type = getattr(response, "accepted_media_type", "") or ""
            etag = representation_etag(
                response.data, media_type, getattr(response, "item_version", None)
            )
            response["ETag"] = etag
        return response
