"""The publishing layer every content model shares, below both content apps.

Publication states and windows, who may see and publish what, history and
revert, unpublished changes to live items, preview and share links, the public
change log, and the base admin, filter, serializer and viewset classes.
Imports point one way: ``publishing`` <- ``initiatives`` <- ``minerals`` <- the
site-wide pages in ``trustsite``. Nothing here imports a content app.
"""
