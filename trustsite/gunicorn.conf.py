"""gunicorn's settings for `make serve` and `make bench` (and a starting point for a deployment).

Everything can be overridden from the environment: PORT, BIND, WEB_CONCURRENCY
(worker processes) and GUNICORN_TIMEOUT.
"""

import os

bind = os.environ.get("BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
# HTTPS=off (make serve's plain HTTP) is for this machine only: the settings check the
# host names the site answers to, this the addresses it listens on, since any client can
# send "Host: localhost".
if os.environ.get("HTTPS", "on").lower() in {"0", "false", "no", "off"}:
    listening = bind.rpartition(":")[0].strip("[]")
    if not bind.startswith("unix:") and listening not in {"127.0.0.1", "localhost", "::1"}:
        raise SystemExit(
            f"HTTPS=off serves this machine only, but BIND={bind} listens on other "
            "addresses too. Bind to 127.0.0.1, or serve HTTPS behind a proxy."
        )
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
#: gunicorn's control socket has one path per user, which a second server on the
#: same machine (another port, the benchmark) would fight over; nothing here uses it.
control_socket_disable = True
# One access line per request: who, what, the status, the size and the time it took.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s bytes %(L)ss "%(a)s"'
# Behind one proxy (the load balancer), trust its X-Forwarded-* headers only.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
#: Load the site once, before forking: workers start answering at once and share memory.
preload_app = True
