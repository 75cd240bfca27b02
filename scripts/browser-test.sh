#!/usr/bin/env bash
# Browser tests of the mock server's demo page and API docs: headless Debian Chromium driven by
# playwright-core, against people-mock on a free loopback port.
# Installs what it needs (Chromium from Debian, playwright-core from npm); playwright-core, the
# screenshots and the server's log go to browser/ in cargo's target directory.
#
# Environment:
#   PEOPLE_MOCK_BIN  a people-mock program to run as it is (scripts/check.sh passes the one
#                    `cargo test` built); without it the program is built with cargo (debug)
set -euo pipefail
cd "$(dirname "$0")/.."

PLAYWRIGHT_CORE=1.65.1
. scripts/lib/target-dir.sh
OUT=$TARGET_DIR/browser
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

installed=$(node -p "try { require(process.argv[1]).version } catch { '' }" "$NODE_DIR/node_modules/playwright-core/package.json")
if [ "$installed" != "$PLAYWRIGHT_CORE" ]; then
  step "installing playwright-core $PLAYWRIGHT_CORE"
  mkdir -p "$NODE_DIR"
  npm install --prefix "$NODE_DIR" --no-save --no-audit --no-fund --loglevel=error \
    "playwright-core@$PLAYWRIGHT_CORE"
fi

if [ -n "${PEOPLE_MOCK_BIN:-}" ]; then
  BIN=$PEOPLE_MOCK_BIN
else
  step "cargo build -p people-mock"
  cargo build -p people-mock --bin people-mock --locked
  BIN=$TARGET_DIR/debug/people-mock
fi

step "starting people-mock"
mkdir -p "$OUT"
. scripts/lib/mock-server.sh
trap stop_people_mock EXIT
trap 'exit 130' INT TERM
if ! start_people_mock "$BIN" "$OUT/server"; then
  echo "browser-test: people-mock did not come up; its output:" >&2
  cat "$OUT/server.out" "$OUT/server.err" >&2
  exit 1
fi
server=$PEOPLE_MOCK_PID
base=$PEOPLE_MOCK_ORIGIN
echo "people-mock (pid $server) at $base"

step "browser tests"
node mock-server/tests/browser/run.mjs "$base" --out "$OUT"
