"""API tokens: django-rest-knox's authentication, with each token's last use recorded.

Clients send ``Authorization: Token <key>``, as they did with DRF's own tokens. Knox
finds the row by the key's first characters and compares a digest of the whole key, so
the database never holds a key (see :class:`publishing.models.ApiToken`).
"""

import logging

from django.db import DatabaseError, transaction
from drf_spectacular.authentication import TokenScheme
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication

logger = logging.getLogger(__name__)


class ApiTokenAuthentication(TokenAuthentication):
    """Knox's token authentication, recording when each token was last used and writing
    nothing else while it reads.

    Knox deletes a user's expired tokens whenever any of them authenticates; here an
    expired token is refused and kept, so a read never deletes, and its owner still
    sees on their profile that it expired (and revokes it there).
    """

    def _cleanup_token(self, auth_token):
        return auth_token.is_expired

    def validate_user(self, auth_token):
        user, token = super().validate_user(auth_token)
        if not token.use_is_recorded():
            try:
                with transaction.atomic():
                    token.record_use()
            except DatabaseError:
                # Bookkeeping: a busy or failing database must not refuse the request.
                logger.warning("Could not record the use of API token %r", token.name)
        return user, token


class ApiTokenScheme(TokenScheme):
    """The schema describes the tokens as it did DRF's: ``Authorization: Token <key>``."""

    target_class = ApiTokenAuthentication
    match_subclasses = False
    priority = 0

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix=self.target.authenticate_header(None)
        )
