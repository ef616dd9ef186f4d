from django.conf import settings


def site_url(request):
    """The site's absolute address: SITE_URL, or else the one this request reached."""
    return settings.SITE_URL or f"{request.scheme}://{request.get_host()}"


def site(request):
    """The site's name and absolute address, for titles, canonical links and citations."""
    return {"SITE_NAME": settings.SITE_NAME, "SITE_URL": site_url(request)}
