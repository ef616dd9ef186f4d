"""A cache backend for tests that must show the cache is never touched."""

from django.core.cache.backends.base import BaseCache


class UntouchableCache(BaseCache):
    """Records and refuses every use: a test reads ``uses`` to see none happened."""

    uses = []

    def __init__(self, location, params):
        super().__init__(params)

    def _refuse(self, operation, *args, **kwargs):
        self.uses.append(operation)
        raise AssertionError(f"the cache was used: {operation}")

    def add(self, *args, **kwargs):
        self._refuse("add")

    def get(self, *args, **kwargs):
        self._refuse("get")

    def set(self, *args, **kwargs):
        self._refuse("set")

    def touch(self, *args, **kwargs):
        self._refuse("touch")

    def delete(self, *args, **kwargs):
        self._refuse("delete")

    def clear(self):
        self._refuse("clear")
