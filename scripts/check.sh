#!/usr/bin/env bash
# The whole test command: formatting, lints, docs, every test, spec validation and the
# generated-code freshness check. Installs what it needs; safe to run on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

# Python tools live in a virtual environment inside target/, pinned.
VENV=target/py
OPENAPI_SPEC_VALIDATOR=0.9.0
if [ ! -x "$VENV/bin/openapi-spec-validator" ]; then
  step "installing openapi-spec-validator $OPENAPI_SPEC_VALIDATOR"
  mkdir -p target
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "openapi-spec-validator==$OPENAPI_SPEC_VALIDATOR"
fi

step "spec: openapi-spec-validator"
"$VENV/bin/openapi-spec-validator" spec/people.yaml

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo doc"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked

step "generated client is fresh"
cargo xtask codegen --check

step "cargo test"
cargo test --workspace --locked

step "multipart interop: the SDK's file names read by Werkzeug, curl's read by people-mock"
VENV=$VENV bash scripts/multipart-interop.sh

step "spec conformance: schemathesis against the people-mock binary"
scripts/conformance.sh

step "browser tests: demo page and API docs in headless Chromium"
bash scripts/browser-test.sh
