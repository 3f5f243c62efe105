#!/bin/sh
# Runs from the nginx image's /docker-entrypoint.d/ before the templates are rendered.
# Stops the container with a clear message when API_UPSTREAM is missing or malformed,
# instead of letting nginx start with a broken proxy_pass.
set -eu

ME=$(basename "$0")
EXAMPLE='http://api.api.svc.cluster.local:5000'
value="${API_UPSTREAM:-}"

fail() {
    echo "$ME: ERROR: $1" >&2
    exit 1
}

[ -n "$value" ] || fail "API_UPSTREAM is not set; set it to the api's base URL, e.g. $EXAMPLE"

case "$value" in
    *[[:space:]]* | *[\;\{\}\$\'\"\\]*)
        fail "API_UPSTREAM='$value' contains whitespace, quotes or one of ; { } \$ \\ which cannot appear in an upstream URL; use e.g. $EXAMPLE" ;;
esac

# scheme http|https, a DNS name, IPv4 or bracketed IPv6 address, optional port, nothing else
# (a path would make nginx rewrite /api/... and /socket.io/... instead of passing them through).
if ! printf '%s\n' "$value" | grep -Eq '^https?://([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?$'; then
    fail "API_UPSTREAM='$value' is not allowed: it must be http:// or https://, a host, an optional :port and no path, query or trailing slash, e.g. $EXAMPLE"
fi

echo "$ME: info: proxying /api/ and /socket.io/ to $value"
