#!/usr/bin/env bash
# deploy/respawn.sh NAME COMMAND…: run COMMAND and start it again 1 s after it dies, as systemd's
# Restart=always or an orchestrator would in production (honcho alone stops everything when one
# process exits). The fault check (bench/soak.py) kills the process whose id is in
# $PROD_STATE/run/NAME.pid; while $PROD_STATE/run/NAME.hold exists the restart waits, so the check
# can observe the outage. SIGTERM/SIGINT (honcho's Ctrl-C) stop the command and this loop.
set -uo pipefail
name=$1
shift
run="${PROD_STATE:?}/run"
mkdir -p "$run"
child=""
stop() {
  [ -n "$child" ] && kill -TERM "$child" 2>/dev/null && wait "$child" 2>/dev/null
  rm -f "$run/$name.pid"
  exit 0
}
trap stop TERM INT
while true; do
  "$@" &
  child=$!
  echo "$child" >"$run/$name.pid"
  wait "$child"
  status=$?
  echo "respawn: $name exited with status $status" >&2
  while [ -e "$run/$name.hold" ]; do sleep 0.2; done
  sleep 1
  echo "respawn: starting $name again" >&2
done
