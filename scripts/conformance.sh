#!/usr/bin/env bash
# Spec conformance checked by an independent tool: schemathesis runs every phase (examples,
# coverage, fuzzing, stateful) and every check against a people-mock binary, authenticated with a
# real token from the token endpoint. Zero failures expected.
#
# Environment:
#   PROFILE       cargo profile of the binary: debug (default; cargo test has built it already
#                 in CI) or release
#   MAX_EXAMPLES  test cases per operation and phase (default 60)
#   SEED          the fixed seed (default 20261126)
set -euo pipefail
cd "$(dirname "$0")/.."

PROFILE=${PROFILE:-debug}
MAX_EXAMPLES=${MAX_EXAMPLES:-60}
SEED=${SEED:-20261126}
SCHEMATHESIS=4.32.5
VENV=target/py
OUT=target/conformance
mkdir -p "$OUT"

step() { printf '\n==> %s\n' "$*"; }

if [ ! -x "$VENV/bin/python" ]; then
  step "creating $VENV"
  python3 -m venv "$VENV"
fi
if [ "$("$VENV/bin/schemathesis" --version 2>/dev/null | grep -Eo '[0-9]+(\.[0-9]+)+' | head -n1)" != "$SCHEMATHESIS" ]; then
  step "installing schemathesis $SCHEMATHESIS"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS"
fi

step "building people-mock ($PROFILE)"
if [ "$PROFILE" = release ]; then
  cargo build --locked --release -p people-mock --bin people-mock
  BIN=target/release/people-mock
else
  cargo build --locked -p people-mock --bin people-mock
  BIN=target/debug/people-mock
fi

step "starting people-mock"
SERVER_PID=
stop_server() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=
}
trap stop_server EXIT
trap 'exit 130' INT TERM

# Port 0: the kernel picks a free loopback port and the banner names it. The rate limit is set out
# of reach so that no 429 interrupts a phase; rate limiting itself is tested in mock-server/tests.
"$BIN" --addr 127.0.0.1:0 --rate-limit 1000000 --log-format off >"$OUT/server.out" 2>"$OUT/server.err" &
SERVER_PID=$!

BASE=
for _ in $(seq 1 100); do
  BASE=$(sed -n 's/^people-mock listening on \(http:[^ ]*\)$/\1/p' "$OUT/server.out" | head -n1)
  [ -n "$BASE" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$OUT/server.err" >&2; echo "people-mock exited" >&2; exit 1; }
  sleep 0.1
done
[ -n "$BASE" ] || { echo "people-mock did not print its address" >&2; exit 1; }
BASE=${BASE%/}
for _ in $(seq 1 50); do
  curl -fsS -o /dev/null "$BASE/openapi.yaml" && break
  sleep 0.1
done
echo "people-mock (pid $SERVER_PID) at $BASE"

TOKEN=$(curl -fsS "$BASE/oauth/token" \
  --data-urlencode grant_type=client_credentials \
  --data-urlencode client_id=demo-client \
  --data-urlencode client_secret=demo-secret |
  "$VENV/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')
[ -n "$TOKEN" ] || { echo "no access token" >&2; exit 1; }

step "schemathesis $SCHEMATHESIS: every phase, every check, seed $SEED, $MAX_EXAMPLES examples"
# --output-sanitize keeps the bearer token out of the printed reproduction commands.
"$VENV/bin/schemathesis" run spec/people.yaml \
  --url "$BASE" \
  -H "Authorization: Bearer $TOKEN" \
  --phases examples,coverage,fuzzing,stateful \
  --checks all \
  --seed "$SEED" \
  --max-examples "$MAX_EXAMPLES" \
  --workers 1 \
  --generation-database none \
  --output-sanitize true \
  --request-timeout 10 \
  --report junit \
  --report-dir "$OUT" \
  --no-color
