from django.urls import path

from . import views
from .feeds import ChangesFeed

urlpatterns = [
    path("changes/", views.ChangeLogView.as_view(), name="changes"),
    path("changes/feed/", ChangesFeed(), name="changes-feed"),
    path("changes/<slug:kind>/<slug:slug>/", views.ChangeLogView.as_view(), name="item-changes"),
    # Tokens are URL-safe base64 (secrets.token_urlsafe), which the slug converter matches.
    path("share/<slug:token>/", views.share_link, name="share-link"),
]
