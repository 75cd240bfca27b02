#!/usr/bin/env bash
# Soak: drives a release people-mock with wrk for a minute on a mix of GET /people and
# GET /people/Farrell (with a bearer token), and reports the server's resident memory (VmRSS) at
# the start, every 10 s and at the end. Memory must stay flat: the script fails when it grows by
# more than MAX_GROWTH_KIB between the first sample under load and the end.
#
# Not run by CI. Environment: DURATION (seconds, default 60), CONNECTIONS (default 32),
# THREADS (wrk threads, default 2), MAX_GROWTH_KIB (default 10240).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-60}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
MAX_GROWTH_KIB=${MAX_GROWTH_KIB:-10240}
# The program and this script's outputs are in cargo's target directory
# (see scripts/lib/target-dir.sh).
. scripts/lib/target-dir.sh
OUT=$TARGET_DIR/soak
mkdir -p "$OUT"

if ! command -v wrk >/dev/null; then
  echo "==> installing wrk"
  if [ "$(id -u)" = 0 ]; then
    apt-get install -y wrk
  else
    sudo apt-get install -y wrk
  fi
fi

echo "==> building people-mock (release)"
cargo build --locked --release -p people-mock --bin people-mock
BIN=$TARGET_DIR/release/people-mock

. scripts/lib/mock-server.sh
SAMPLER_PID=
cleanup() {
  if [ -n "$SAMPLER_PID" ]; then
    kill "$SAMPLER_PID" 2>/dev/null || true
    wait "$SAMPLER_PID" 2>/dev/null || true
  fi
  stop_people_mock
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# One client drives all the load, so its rate limit is set out of reach.
start_people_mock "$BIN" "$OUT/server" --rate-limit 1000000000 --log-format off || exit 1
SERVER_PID=$PEOPLE_MOCK_PID
BASE=$PEOPLE_MOCK_BASE
ORIGIN=$PEOPLE_MOCK_ORIGIN

TOKEN=$(curl -fsS "$BASE/oauth/token" \
  --data-urlencode grant_type=client_credentials \
  --data-urlencode client_id=demo-client \
  --data-urlencode client_secret=demo-secret |
  sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
[ -n "$TOKEN" ] || { echo "no access token" >&2; exit 1; }

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$SERVER_PID/status"; }

cat >"$OUT/mix.lua" <<'LUA'
-- Alternates the list and one person; the Authorization header comes from wrk's -H.
local paths = { "/api/v1/people", "/api/v1/people/Farrell" }
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1])
end
LUA

START=$(rss_kib)
echo "==> people-mock pid $SERVER_PID at $BASE; VmRSS at start: $START KiB"
: >"$OUT/rss.log"
# Samples every 10 s while wrk runs; the last one is taken after wrk ends.
(
  elapsed=10
  while [ "$elapsed" -lt "$DURATION" ]; do
    sleep 10
    kib=$(rss_kib)
    echo "${elapsed}s: $kib KiB"
    echo "$elapsed $kib" >>"$OUT/rss.log"
    elapsed=$((elapsed + 10))
  done
) &
SAMPLER_PID=$!

echo "==> wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s (GET /people, GET /people/Farrell)"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency \
  -H "Authorization: Bearer $TOKEN" -s "$OUT/mix.lua" "$ORIGIN" | tee "$OUT/wrk.txt"

kill "$SAMPLER_PID" 2>/dev/null || true
wait "$SAMPLER_PID" 2>/dev/null || true
SAMPLER_PID=
END=$(rss_kib)
FIRST=$(awk 'NR == 1 { print $2 }' "$OUT/rss.log")
FIRST=${FIRST:-$END}

echo
echo "VmRSS (KiB): start $START"
while read -r at kib; do
  echo "             ${at}s $kib"
done <"$OUT/rss.log"
echo "             end $END"
GROWTH=$((END - FIRST))
echo "growth from the first sample under load to the end: $GROWTH KiB (limit $MAX_GROWTH_KIB KiB)"
if [ "$GROWTH" -gt "$MAX_GROWTH_KIB" ]; then
  echo "memory is not flat" >&2
  exit 1
fi
