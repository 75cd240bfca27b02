#!/usr/bin/env bash
# File names in multipart/form-data, checked across independent implementations. Both sides of
# the project follow the HTML standard's encoding (what browsers and curl send): `"`, CR and LF
# escaped as %22, %0D and %0A, every other character (`%` and `\` included) as it is.
#
#   1. The SDK's bytes, read by Werkzeug: sdk/examples/multipart_interop, built here, uploads
#      awkward file names through the SDK to scripts/multipart-interop.py, which parses the body
#      with a pinned Werkzeug and answers with what it read; every name, size and SHA-256 must
#      come back as sent.
#   2. curl's bytes, read by the mock: curl uploads such names to a people-mock binary, and the
#      attachment list must show each one as curl was given it.
#
# Environment:
#   VENV             the project's Python virtual environment (scripts/check.sh passes its own;
#                    default: py/ in cargo's target directory)
#   PEOPLE_MOCK_BIN  a people-mock program already built (scripts/check.sh passes the one
#                    `cargo test --workspace` built); default: built here
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/lib/target-dir.sh
VENV=${VENV:-$TARGET_DIR/py}
WERKZEUG=3.1.8

step() { printf '\n==> %s\n' "$*"; }

if [ ! -x "$VENV/bin/python" ]; then
  step "creating $VENV"
  python3 -m venv "$VENV"
fi
if [ "$("$VENV/bin/python" -c 'from importlib.metadata import version; print(version("werkzeug"))' 2>/dev/null || true)" != "$WERKZEUG" ]; then
  step "installing werkzeug $WERKZEUG"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "werkzeug==$WERKZEUG"
fi

step "building multipart_interop"
cargo build --locked --quiet -p people-sdk --example multipart_interop
UPLOADER=$TARGET_DIR/debug/examples/multipart_interop
if [ -n "${PEOPLE_MOCK_BIN:-}" ]; then
  MOCK=$PEOPLE_MOCK_BIN
else
  cargo build --locked --quiet -p people-mock --bin people-mock
  MOCK=$TARGET_DIR/debug/people-mock
fi
OUT=$TARGET_DIR/multipart-interop
mkdir -p "$OUT"

WERKZEUG_PID=
stop_werkzeug() {
  if [ -n "$WERKZEUG_PID" ]; then
    kill "$WERKZEUG_PID" 2>/dev/null || true
    wait "$WERKZEUG_PID" 2>/dev/null || true
    WERKZEUG_PID=
  fi
}
. scripts/lib/mock-server.sh
trap 'stop_werkzeug; stop_people_mock' EXIT
trap 'exit 130' INT TERM

step "the SDK's uploads, parsed by Werkzeug $WERKZEUG"
rm -f "$OUT/port"
"$VENV/bin/python" scripts/multipart-interop.py "$OUT/port" >"$OUT/werkzeug.log" 2>&1 &
WERKZEUG_PID=$!
for _ in $(seq 1 300); do
  [ -s "$OUT/port" ] && break
  if ! kill -0 "$WERKZEUG_PID" 2>/dev/null; then
    echo "the Werkzeug server exited:" >&2
    cat "$OUT/werkzeug.log" >&2
    exit 1
  fi
  sleep 0.1
done
[ -s "$OUT/port" ] || { echo "the Werkzeug server did not start within 30 s" >&2; exit 1; }
"$UPLOADER" "http://127.0.0.1:$(cat "$OUT/port")/api/v1"
stop_werkzeug

step "curl's uploads, read by people-mock"
start_people_mock "$MOCK" "$OUT/mock" --log-format off || exit 1
BASE=$PEOPLE_MOCK_BASE
TOKEN=$(curl -fsS "$BASE/oauth/token" \
  --data-urlencode grant_type=client_credentials \
  --data-urlencode client_id=demo-client \
  --data-urlencode client_secret=demo-secret |
  "$VENV/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')
printf 'uploaded by curl\n' >"$OUT/file.txt"
# curl's -F syntax: a quoted filename may hold ';' and a backslash-escaped '"'. On the wire curl
# writes each name as browsers do.
curl -fsS -o /dev/null -H "Authorization: Bearer $TOKEN" \
  -F "files=@$OUT/file.txt;filename=100%25.txt" \
  -F "files=@$OUT/file.txt;filename=100%.txt" \
  -F "files=@$OUT/file.txt;filename=\"a\\\"b.txt\"" \
  -F "files=@$OUT/file.txt;filename=李.png" \
  -F "files=@$OUT/file.txt;filename=\"semi;colon.txt\"" \
  -F "files=@$OUT/file.txt;filename=back\\slash.txt" \
  -F "files=@$OUT/file.txt;filename=$(printf 'new\nline.txt')" \
  "$BASE/people/Farrell/attachments"
curl -fsS -H "Authorization: Bearer $TOKEN" "$BASE/people/Farrell/attachments" |
  "$VENV/bin/python" -c '
import json, sys
want = ["100%25.txt", "100%.txt", "a\"b.txt", "李.png", "semi;colon.txt", "back\\slash.txt", "new\nline.txt"]
got = [a["filename"] for a in json.load(sys.stdin)["data"]]
if got != want:
    sys.exit(f"people-mock stored {got!r}, curl sent {want!r}")
print(f"{len(want)} file names uploaded by curl stored as sent")
'
