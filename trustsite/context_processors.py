from django.conf import settings

from publishing.addresses import site_url


def site(request):
    """The site's name and absolute address, for titles, canonical links and citations."""
    return {"SITE_NAME": settings.SITE_NAME, "SITE_URL": site_url(request)}
