#!/usr/bin/env bash
# Browser tests of the mock server's demo page and API docs: headless Debian Chromium driven by
# playwright-core, against a freshly built people-mock on a free loopback port.
# Installs what it needs (Chromium from Debian, playwright-core from npm); screenshots and the
# server's log go to target/browser/.
set -euo pipefail
cd "$(dirname "$0")/.."

PLAYWRIGHT_CORE=1.65.1
OUT=target/browser
NODE_DIR=$OUT/node

step() { printf '\n==> %s\n' "$*"; }

# Playwright cannot download its own browser here: use Debian's.
if [ ! -x /usr/bin/chromium ]; then
  step "installing chromium (Debian)"
  if [ "$(id -u)" -ne 0 ]; then
    echo "browser-test: /usr/bin/chromium is missing and installing it needs root" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
fi

installed=$(node -p "try { require('./$NODE_DIR/node_modules/playwright-core/package.json').version } catch { '' }")
if [ "$installed" != "$PLAYWRIGHT_CORE" ]; then
  step "installing playwright-core $PLAYWRIGHT_CORE"
  mkdir -p "$NODE_DIR"
  npm install --prefix "$NODE_DIR" --no-save --no-audit --no-fund --loglevel=error \
    "playwright-core@$PLAYWRIGHT_CORE"
fi

step "cargo build -p people-mock"
cargo build -p people-mock --locked

# A port the kernel hands out now; the server binds it a moment later.
port=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });')
base="http://127.0.0.1:$port"

step "starting people-mock on $base"
mkdir -p "$OUT"
target/debug/people-mock --addr "127.0.0.1:$port" >"$OUT/server.log" 2>&1 &
server=$!
stop_server() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
}
trap stop_server EXIT

ready=false
for _ in $(seq 100); do
  if curl -fsS -o /dev/null "$base/api/v1/openapi.json" 2>/dev/null; then
    ready=true
    break
  fi
  kill -0 "$server" 2>/dev/null || break
  sleep 0.1
done
if [ "$ready" != true ]; then
  echo "browser-test: people-mock did not come up on $base; its log:" >&2
  cat "$OUT/server.log" >&2
  exit 1
fi

step "browser tests"
node mock-server/tests/browser/run.mjs "$base" --out "$OUT"
