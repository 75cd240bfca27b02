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

step "starting people-mock"
mkdir -p "$OUT"
. scripts/lib/mock-server.sh
trap stop_people_mock EXIT
trap 'exit 130' INT TERM
if ! start_people_mock target/debug/people-mock "$OUT/server"; then
  echo "browser-test: people-mock did not come up; its output:" >&2
  cat "$OUT/server.out" "$OUT/server.err" >&2
  exit 1
fi
server=$PEOPLE_MOCK_PID
base=$PEOPLE_MOCK_ORIGIN
echo "people-mock (pid $server) at $base"

step "browser tests"
node mock-server/tests/browser/run.mjs "$base" --out "$OUT"
