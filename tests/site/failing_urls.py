"""The site's URLconf plus one view that fails, to see the real 500 handler answer."""

from django.urls import path

from trustsite.urls import handler404, handler500, urlpatterns  # noqa: F401


def broken(request):
    raise RuntimeError("a bug in a view")


urlpatterns = [path("broken/", broken), *urlpatterns]
