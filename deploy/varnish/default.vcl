# Varnish in front of trustsite's gunicorn: keeps the public answers the site marks
# shareable (Cache-Control: s-maxage, with Surrogate-Key/xkey headers naming what each
# shows) and drops them by key when the site purges after a change.
#
#   varnishd -a :80 -f /etc/varnish/default.vcl -s malloc,256m
#   CACHE_PURGE_URLS=http://127.0.0.1:80/  (on the site's processes)
#
# Needs vmod xkey (Debian: varnish-modules). See README, "Deployment".
vcl 4.1;

import xkey;

backend default {
    .host = "127.0.0.1";
    .port = "8000";
}

# Who may purge: the site's own processes on this machine.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "Name the keys to purge in an xkey-purge header"));
        }
        set req.http.x-purged = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.x-purged + " objects"));
    }
    # Editors, signed-in users, previews, share links, API writes: straight through.
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.url ~ "^/(hi/)?(admin|share)/" || req.url ~ "[?&]preview=") {
        return (pass);
    }
    if (req.http.Authorization) {
        return (pass);
    }
    if (req.http.Cookie ~ "(^|;\s*)(sessionid|csrftoken)=") {
        return (pass);
    }
    # Other cookies (analytics and the like) do not change a public answer.
    unset req.http.Cookie;
    return (hash);
}

sub vcl_backend_response {
    # Only what the site marked for shared caches is kept (the builtin rules also refuse
    # Set-Cookie, private and no-store answers).
    if (beresp.http.Cache-Control !~ "s-maxage=[1-9]") {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    set beresp.grace = 0s;
}

sub vcl_deliver {
    # The keys are for this cache; browsers have no use for them.
    unset resp.http.xkey;
    unset resp.http.Surrogate-Key;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "hit";
    } else {
        set resp.http.X-Cache = "miss";
    }
}
