"""An email backend whose mail server is down: every connection is refused."""

from django.core.mail.backends.base import BaseEmailBackend


class RefusingBackend(BaseEmailBackend):
    def open(self):
        raise ConnectionRefusedError("[Errno 111] Connection refused (the mail server is down)")

    def send_messages(self, email_messages):
        self.open()
