#!/usr/bin/env bash
# Spec conformance checked by an independent tool: schemathesis runs every phase (examples,
# coverage, fuzzing, stateful) and every check against a people-mock binary, authenticated with a
# real token from the token endpoint. Zero failures expected.
#
# Environment:
#   PEOPLE_MOCK_BIN  a people-mock program to run as it is (scripts/check.sh passes the one
#                    `cargo test` built); without it the program is built with cargo
#   PROFILE          cargo profile to build the program with: debug (default) or release
#   MAX_EXAMPLES     test cases per operation and phase (default 100; every operation is
#                    reached with far fewer)
#   SEED             the fixed seed (default 20261126)
#
# The Python virtual environment and the run's files go to cargo's target directory (py/ and
# conformance/; see scripts/lib/target-dir.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

PROFILE=${PROFILE:-debug}
MAX_EXAMPLES=${MAX_EXAMPLES:-100}
SEED=${SEED:-20261126}
SCHEMATHESIS=4.32.5

step() { printf '\n==> %s\n' "$*"; }

. scripts/lib/target-dir.sh
VENV=$TARGET_DIR/py
OUT=$TARGET_DIR/conformance
mkdir -p "$OUT"

if [ ! -x "$VENV/bin/python" ]; then
  step "creating $VENV"
  python3 -m venv "$VENV"
fi
if [ "$("$VENV/bin/schemathesis" --version 2>/dev/null | grep -Eo '[0-9]+(\.[0-9]+)+' | head -n1)" != "$SCHEMATHESIS" ]; then
  step "installing schemathesis $SCHEMATHESIS"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS"
fi

if [ -n "${PEOPLE_MOCK_BIN:-}" ]; then
  BIN=$PEOPLE_MOCK_BIN
elif [ "$PROFILE" = release ]; then
  step "building people-mock (release)"
  cargo build --locked --release -p people-mock --bin people-mock
  BIN=$TARGET_DIR/release/people-mock
else
  step "building people-mock (debug)"
  cargo build --locked -p people-mock --bin people-mock
  BIN=$TARGET_DIR/debug/people-mock
fi

step "starting people-mock"
. scripts/lib/mock-server.sh
trap stop_people_mock EXIT
trap 'exit 130' INT TERM

# The rate limit is set out of reach so that no 429 interrupts a phase; rate limiting itself is
# tested in mock-server/tests.
start_people_mock "$BIN" "$OUT/server" --rate-limit 1000000 --log-format off || exit 1
SERVER_PID=$PEOPLE_MOCK_PID
BASE=$PEOPLE_MOCK_BASE
echo "people-mock (pid $SERVER_PID) at $BASE"

TOKEN=$(curl -fsS "$BASE/oauth/token" \
  --data-urlencode grant_type=client_credentials \
  --data-urlencode client_id=demo-client \
  --data-urlencode client_secret=demo-secret |
  "$VENV/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')
[ -n "$TOKEN" ] || { echo "no access token" >&2; exit 1; }

# What OpenAPI cannot say about this API, told to schemathesis. Every line says why; no check is
# turned off, and every expected status below is one the contract gives for a valid request.
cat >"$OUT/schemathesis.toml" <<'TOML'
hooks = "hooks.py"

# Links between operations are the spec's own (`links` of the responses). Inference would add
# guesses: it links the Location of a new person to every path below it, so it expects the photo
# of a person that POST /people just created to exist, and takes the contract's 404
# photo_not_found for a resource the POST failed to create (the photo is created by POST
# /people/{lname}/photo, which the spec links to the photo's operations).
[phases.stateful.inference]
algorithms = []

# A schema-valid key may name a person the run deleted earlier: the contract answers 410 Gone
# until the key is created again (the 404 of a key never created is in the defaults).
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "410", "429", "5xx"]

# An entity tag is issued by the server: a schema-valid tag it never issued is stale, and the
# contract answers a stale If-Match with 412 and changes nothing.
[[operations]]
include-operation-id = ["replace_person", "patch_person", "delete_person", "delete_photo", "delete_attachment"]
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "410", "412", "429", "5xx"]

# `format: binary` cannot say that a PNG starts with the PNG signature: schema-valid bytes sent as
# image/png that are not a PNG get 415 unsupported_image, as the contract requires.
[[operations]]
include-operation-id = "upload_photo"
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "410", "415", "429", "5xx"]
TOML

cat >"$OUT/hooks.py" <<'PY'
"""Keeps generated cases within what the wire can carry and what OpenAPI cannot express."""

from urllib.parse import unquote

import schemathesis
from schemathesis.core.parameters import ParameterLocation

PERSON = "/people/{lname}"
UPLOADS = {
    ("POST", "/people/{lname}/photo"): ("file", "caption", True),
    ("POST", "/people/{lname}/attachments"): ("files", "note", False),
}
MISSING = object()


def _key(case):
    return (case.operation.method.upper(), case.operation.path)


def _mode(case, location=None):
    meta = case.meta
    if meta is None:
        return None
    if location is None:
        return meta.generation.mode
    component = meta.components.get(location)
    return None if component is None else component.mode


def _header_safe(name):
    """Whether a part name can be sent at all.

    A part name travels in a Content-Disposition header, where control characters are not
    allowed (RFC 9110 field values, RFC 7578): a body with such a name is not valid multipart,
    and the contract answers it with 400 invalid_multipart. Such cases are dropped; mapping them
    would make schemathesis revalidate a body holding binary data, which it always finds invalid.
    """
    return isinstance(name, str) and not any(ord(c) < 0x20 and c != "\t" or ord(c) == 0x7F for c in name)


def _wire_text(value):
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", "replace")
    if isinstance(value, str):
        return value
    import json

    return json.dumps(value)


def _violation_on_the_wire(key, body):
    """Whether a body the schema rejects is also wrong once encoded as multipart/form-data.

    multipart/form-data carries part names and bytes only: `{"files": 5}` is sent as one file part
    holding the bytes `5`, which is a valid upload. Such a case is not negative on the wire."""
    if not isinstance(body, dict):
        return True
    file_part, text_part, single = UPLOADS[key]
    files = body.get(file_part, MISSING)
    if files is MISSING:
        return True
    if isinstance(files, list):
        if not files or (single and len(files) != 1):
            return True
        files = files[0] if single else files
    # A photo that is not bytes (schemathesis sends bytes as str) is no image: 415.
    if single and not isinstance(files, (str, bytes, bytearray)):
        return True
    text = body.get(text_part, MISSING)
    if text is not MISSING:
        if isinstance(text, list):
            return len(text) > 1 or any(len(_wire_text(t)) > 1024 for t in text)
        if len(_wire_text(text)) > 1024:
            return True
    return False


def _keep(case):
    key = _key(case)
    if key not in UPLOADS or not isinstance(case.body, dict):
        return True
    if not all(_header_safe(name) for name in case.body):
        return False
    body = _mode(case, ParameterLocation.BODY)
    others = [info.mode for location, info in case.meta.components.items() if location != ParameterLocation.BODY]
    if body is not None and not body.is_positive and all(mode.is_positive for mode in others):
        return _violation_on_the_wire(key, case.body)
    return True


def _align_lname(case):
    """PUT and PATCH require the body's lname, when present, to equal the path's (else 422).

    OpenAPI cannot relate a body member to a path parameter, so a valid case gets the path's."""
    mode = _mode(case)
    lname = (case.path_parameters or {}).get("lname")
    if (
        _key(case) in (("PUT", PERSON), ("PATCH", PERSON))
        and mode is not None
        and mode.is_positive
        and isinstance(case.body, dict)
        and "lname" in case.body
        and isinstance(lname, str)
    ):
        # Generated path parameters are kept percent-encoded, as they are sent.
        lname = unquote(lname)
        if case.body["lname"] != lname:
            # A copy: cases made from the same example share one body.
            case.body = {**case.body, "lname": lname}
    return case


@schemathesis.hook
def filter_case(ctx, case):
    return _keep(case)


@schemathesis.hook
def map_case(ctx, case):
    return _align_lname(case)


@schemathesis.hook
def before_add_examples(ctx, examples):
    # Cases made from the spec's examples do not pass through filter_case and map_case.
    examples[:] = [_align_lname(case) for case in examples if _keep(case)]
PY

step "schemathesis $SCHEMATHESIS: every phase, every check, seed $SEED, $MAX_EXAMPLES examples"
# --output-sanitize keeps the bearer token out of the printed reproduction commands.
# Run from $OUT so that the tool's caches and reports stay there.
SPEC=$PWD/spec/people.yaml
ST=$VENV/bin/schemathesis
cd "$OUT"
"$ST" --config-file schemathesis.toml run "$SPEC" \
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
  --report-junit-path junit.xml \
  --no-color
