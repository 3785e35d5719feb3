#!/usr/bin/env bash
# Starts nginx on loopback as the HTTP store of Kiln's remote-cache tests (WebDAV PUT, like a
# Bazel HTTP cache on nginx). Installs Debian's nginx if it is missing. Safe to run again: an
# nginx of this script that already answers is left as it is.
#
#   KILN_TEST_REMOTE_PORT  the port (default 18080); the store is http://127.0.0.1:PORT
#   KILN_TEST_REMOTE_DIR   its folder (default /tmp/kiln-nginx): config, logs, and root/, the
#                          folder the store's files live in (the tests write there directly)
#   KILN_TEST_REMOTE_TLS_PORT  the same store over https (default 18443), with a self-signed
#                          certificate for 127.0.0.1 in tls/cert.pem (made here with openssl)
#
# Locations: / stores anything (GET, HEAD, PUT, and MKCOL and DELETE for the claims of keys being
# compiled); /noclaims/X serves and stores what / holds at X but takes no MKCOL (a store without
# claims); /error500/ answers 500 to everything;
# /auth/ stores like / but answers 401 unless the request carries `Authorization: Bearer
# kiln-test-token`; /readonly/X serves what / holds at X and refuses PUT (403); /redirect/
# answers 302 to another path.
set -euo pipefail
port=${KILN_TEST_REMOTE_PORT:-18080}
dir=${KILN_TEST_REMOTE_DIR:-/tmp/kiln-nginx}
url="http://127.0.0.1:$port"

# The version of this script's configuration, served as kiln-nginx-ok: an nginx started by an
# older version is given the new configuration.
version="kiln-nginx 5"
answers() { [ "$(curl -fsS --max-time 2 "$url/kiln-nginx-ok" 2>/dev/null)" = "$version" ]; }
if answers; then echo "nginx already answers at $url" >&2; exit 0; fi

if ! command -v curl >/dev/null || ! command -v openssl >/dev/null || { ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; }; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing nginx …" >&2
  $sudo apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q nginx-light curl openssl >&2 \
    || DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q nginx curl openssl >&2
  # Debian's package starts a system-wide nginx on port 80; this script needs only its own.
  $sudo systemctl disable --now nginx >/dev/null 2>&1 || $sudo service nginx stop >/dev/null 2>&1 || true
fi

mkdir -p "$dir/root" "$dir/temp" "$dir/tls"
tls_port=${KILN_TEST_REMOTE_TLS_PORT:-18443}
if [ ! -s "$dir/tls/cert.pem" ] || [ ! -s "$dir/tls/key.pem" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=127.0.0.1" \
    -addext "subjectAltName=IP:127.0.0.1" -keyout "$dir/tls/key.pem" -out "$dir/tls/cert.pem" 2>/dev/null
fi
echo "$version" > "$dir/root/kiln-nginx-ok"
user=""
# As root, nginx's workers would run as nobody and could not write root/; run them as root.
[ "$(id -u)" -eq 0 ] && user="user root;"
cat > "$dir/nginx.conf" <<CONF
$user
worker_processes 2;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $dir/temp/body;
  proxy_temp_path $dir/temp/proxy;
  fastcgi_temp_path $dir/temp/fastcgi;
  uwsgi_temp_path $dir/temp/uwsgi;
  scgi_temp_path $dir/temp/scgi;
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:$port;
    # The same store over TLS, for the https:// tests.
    listen 127.0.0.1:$tls_port ssl;
    ssl_certificate $dir/tls/cert.pem;
    ssl_certificate_key $dir/tls/key.pem;
    root $dir/root;
    client_max_body_size 1100m;
    location / {
      dav_methods PUT DELETE MKCOL;
      create_full_put_path on;
      dav_access user:rw;
    }
    # The same files for a store without WebDAV MKCOL: no claims, so concurrent writers all PUT.
    location /noclaims/ {
      alias $dir/root/;
      dav_methods PUT;
      create_full_put_path on;
      dav_access user:rw;
    }
    location /error500/ { return 500; }
    location /redirect/ { return 302 /elsewhere/; }
    location /readonly/ {
      alias $dir/root/;
      limit_except GET HEAD { deny all; }
    }
    location /auth/ {
      if (\$http_authorization != "Bearer kiln-test-token") { return 401; }
      dav_methods PUT DELETE MKCOL;
      create_full_put_path on;
      dav_access user:rw;
    }
  }
}
CONF
nginx=$(command -v nginx || echo /usr/sbin/nginx)
if [ -f "$dir/nginx.pid" ] && kill -0 "$(cat "$dir/nginx.pid")" 2>/dev/null; then
  "$nginx" -p "$dir" -c "$dir/nginx.conf" -s reload
else
  "$nginx" -p "$dir" -c "$dir/nginx.conf"
fi
for _ in $(seq 1 50); do
  if answers; then echo "nginx answers at $url (files in $dir/root)" >&2; exit 0; fi
  sleep 0.2
done
echo "nginx did not answer at $url; see $dir/error.log" >&2
exit 1
