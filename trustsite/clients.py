"""Who a request comes from, behind the proxies the site trusts."""

from django.conf import settings


def client_address(request):
    """The client's own address.

    With ``TRUSTED_PROXIES`` proxies in front of the site (the load balancer), each one
    appends the address it received the request from to ``X-Forwarded-For``; the one
    the first proxy appended, counting from the right, is the client's. Addresses
    further left came from the client itself and could be forged. Without a proxy the
    connection's own address is the client's.
    """
    proxies = settings.TRUSTED_PROXIES
    if proxies:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        forwarded = [address.strip() for address in forwarded if address.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")
