#!/usr/bin/env bash
# The production topology on this machine, on loopback (issue 13):
#   nginx (TLS, self-signed certificate made at start; static files; HTTP and websockets proxied)
#   → two daphne processes → PostgreSQL (database workspace_prod) and Redis (an instance of its
#   own), plus the task worker, all with workspace.settings.production, under honcho.
#
#   deploy/prod.sh            start it in the foreground (make prod); Ctrl-C stops everything
#   deploy/prod.sh --check    start it, run the load-and-fault suite against it (bench/soak.py,
#                             CI's size), stop everything; exit status = the suite's
#   deploy/prod.sh --soak     the same at full size (make soak)
#   extra arguments after --check/--soak go to bench/soak.py (e.g. --clients 50 --seconds 20)
#
# Needs: Debian (apt-get installs nginx when it is missing), PostgreSQL on 127.0.0.1:5432 with
# trust auth for the user postgres (as CI's), redis-server, openssl. State in .prod/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

mode=serve
if [ "${1:-}" = "--check" ] || [ "${1:-}" = "--soak" ]; then
  mode=${1#--}
  shift
fi

export PROD_STATE="${PROD_STATE:-$ROOT/.prod}"
export PROD_HTTPS_PORT="${PROD_HTTPS_PORT:-8443}"
export PROD_HTTP_PORT="${PROD_HTTP_PORT:-8088}"
export PROD_WEB1_PORT="${PROD_WEB1_PORT:-8101}"
export PROD_WEB2_PORT="${PROD_WEB2_PORT:-8102}"
export PROD_REDIS_PORT="${PROD_REDIS_PORT:-6381}"
PROD_DB="${PROD_DB:-workspace_prod}"
PG="postgres://postgres@127.0.0.1:5432"

say() { printf '\n==> %s\n' "$*"; }

say "Virtual environment (make install)"
make install >/dev/null

if ! command -v nginx >/dev/null 2>&1; then
  say "Installing nginx (Debian's package)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
fi
# Debian starts the packaged nginx on port 80 at install; this topology runs its own.
for tool in openssl redis-server psql pg_isready; do
  command -v "$tool" >/dev/null 2>&1 || { echo "error: $tool is needed" >&2; exit 1; }
done

say "PostgreSQL and the database $PROD_DB"
if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
  for _ in $(seq 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
if [ "$mode" != serve ]; then
  # The check starts from an empty database, so that its numbers and CI do not depend on old runs.
  psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $PROD_DB WITH (FORCE)" >/dev/null
fi
psql "$PG/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname='$PROD_DB'" | grep -q 1 \
  || psql "$PG/postgres" -qc "CREATE DATABASE $PROD_DB" >/dev/null

for port in "$PROD_HTTPS_PORT" "$PROD_HTTP_PORT" "$PROD_WEB1_PORT" "$PROD_WEB2_PORT" "$PROD_REDIS_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "error: 127.0.0.1:$port is in use (another deploy/prod.sh?); set PROD_*_PORT to free ports" >&2
    exit 1
  fi
done

mkdir -p "$PROD_STATE"/{run,log,tls,nginx,mail,media}
[ "$mode" = serve ] || rm -f "$PROD_STATE"/mail/*.log
rm -f "$PROD_STATE"/run/*.hold "$PROD_STATE"/run/*.pid

say "Self-signed certificate for 127.0.0.1 and localhost"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" \
  -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
  -keyout "$PROD_STATE/tls/key.pem" -out "$PROD_STATE/tls/cert.pem" 2>/dev/null

[ -s "$PROD_STATE/secret_key" ] || head -c 64 /dev/urandom | base64 | tr -d '/+=\n' >"$PROD_STATE/secret_key"

ORIGIN="https://127.0.0.1:$PROD_HTTPS_PORT"
export DJANGO_SETTINGS_MODULE=workspace.settings.production
DJANGO_SECRET_KEY=$(cat "$PROD_STATE/secret_key")
export DJANGO_SECRET_KEY
export DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost"
export DJANGO_CSRF_TRUSTED_ORIGINS="$ORIGIN,https://localhost:$PROD_HTTPS_PORT"
# A demo on loopback: browsers would pin HSTS for 127.0.0.1 for a year; one hour is enough.
export DJANGO_SECURE_HSTS_SECONDS="${DJANGO_SECURE_HSTS_SECONDS:-3600}"
export DATABASE_URL="$PG/$PROD_DB"
export REDIS_URL="redis://127.0.0.1:$PROD_REDIS_PORT/11"
export ALLAUTH_TRUSTED_PROXY_COUNT=1
export EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend
export EMAIL_FILE_PATH="$PROD_STATE/mail"
export WAGTAILADMIN_BASE_URL="$ORIGIN"
export MEDIA_ROOT="$PROD_STATE/media"
export TASKS_BACKEND=django_tasks_db.DatabaseBackend
export PYTHONUNBUFFERED=1

say "nginx configuration ($PROD_STATE/nginx/nginx.conf)"
sed -e "s#@STATE@#$PROD_STATE#g" -e "s#@ROOT@#$ROOT#g" \
  -e "s#@HTTPS_PORT@#$PROD_HTTPS_PORT#g" -e "s#@HTTP_PORT@#$PROD_HTTP_PORT#g" \
  -e "s#@WEB1_PORT@#$PROD_WEB1_PORT#g" -e "s#@WEB2_PORT@#$PROD_WEB2_PORT#g" \
  deploy/nginx.conf.template >"$PROD_STATE/nginx/nginx.conf"
# nginx's workers run as an unprivileged user when started as root: let them read the static files.
if [ "$(id -u)" = 0 ]; then
  sed -i "1i user $(id -un) $(id -gn);" "$PROD_STATE/nginx/nginx.conf"
fi
nginx -t -q -p "$PROD_STATE/nginx" -c "$PROD_STATE/nginx/nginx.conf" -e stderr

say "collectstatic, migrate, setup_workspace, seed_demo --force"
# Redis must answer for setup (the cache) — start the topology's own instance for these steps.
redis-server --bind 127.0.0.1 --port "$PROD_REDIS_PORT" --save "" --appendonly no --daemonize yes \
  --pidfile "$PROD_STATE/run/redis-setup.pid" --logfile "$PROD_STATE/log/redis-setup.log"
for _ in $(seq 30); do redis-cli -p "$PROD_REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.2; done
stop_setup_redis() { redis-cli -p "$PROD_REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true; }
trap stop_setup_redis EXIT
.venv/bin/python manage.py check --deploy --fail-level WARNING
.venv/bin/python manage.py collectstatic --noinput -v0
# Setup's own tasks (search and reference indexes of the demo pages: hundreds) run inline, so the
# worker starts with an empty queue.
TASKS_BACKEND=django_tasks.backends.immediate.ImmediateBackend .venv/bin/python manage.py migrate --noinput -v0
TASKS_BACKEND=django_tasks.backends.immediate.ImmediateBackend .venv/bin/python manage.py setup_workspace
TASKS_BACKEND=django_tasks.backends.immediate.ImmediateBackend \
  .venv/bin/python manage.py seed_demo --force >"$PROD_STATE/sign-ins.txt"
stop_setup_redis
trap - EXIT
for _ in $(seq 30); do redis-cli -p "$PROD_REDIS_PORT" ping >/dev/null 2>&1 || break; sleep 0.2; done

cat <<MSG

The workspace runs at  $ORIGIN/   (self-signed certificate: accept it in the browser)
  plain HTTP (redirects): http://127.0.0.1:$PROD_HTTP_PORT/     health: $ORIGIN/healthz
  daphne: 127.0.0.1:$PROD_WEB1_PORT and :$PROD_WEB2_PORT   Redis: 127.0.0.1:$PROD_REDIS_PORT/11
  PostgreSQL: $DATABASE_URL   emails: $EMAIL_FILE_PATH   logs: $PROD_STATE/log
$(sed -n '/Demo sign-ins/,$p' "$PROD_STATE/sign-ins.txt")
Ctrl-C stops everything.
MSG

if [ "$mode" = serve ]; then
  exec .venv/bin/honcho -f deploy/Procfile.prod -d "$ROOT" start
fi

# --check / --soak: the topology in the background, the suite against it, then everything stops.
.venv/bin/honcho -f deploy/Procfile.prod -d "$ROOT" start >"$PROD_STATE/log/honcho.log" 2>&1 &
honcho_pid=$!
stop_topology() {
  kill -TERM "$honcho_pid" 2>/dev/null || true
  wait "$honcho_pid" 2>/dev/null || true
}
trap stop_topology EXIT INT TERM
size=()
[ "$mode" = soak ] && size=(--clients 500 --posters 20 --seconds 60 --abuse-p95-limit 2)
status=0
.venv/bin/python bench/soak.py --origin "$ORIGIN" --state "$PROD_STATE" "${size[@]}" "$@" || status=$?
if [ "$status" != 0 ]; then
  echo "--- the last lines of the topology's log ($PROD_STATE/log/honcho.log)" >&2
  tail -n 40 "$PROD_STATE/log/honcho.log" >&2
fi
exit "$status"
