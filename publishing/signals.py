"""What the workflow announces, once the transaction that did it has committed: every
submission, send-back and publication it records, whichever channel made it
(:func:`publishing.workflow.announce_recorded`).

Receivers (the editors' notifications) hear only of what really happened: a save that
rolls back announces nothing. Each signal is sent with ``sender`` the item's model and:

* ``item``: the item, as it now is;
* ``change``: the recorded :class:`~publishing.models.Change` (who, when, what changed);
* ``user``: who acted (None for the system).

``sent_back`` also gives the ``comment``.
"""

from django.dispatch import Signal

#: An item, or a live item's unpublished changes, submitted for review.
submitted = Signal()
#: What awaited review sent back to its editors by a Publisher, with a comment.
sent_back = Signal()
#: An item, or a live item's changes, published.
published = Signal()
