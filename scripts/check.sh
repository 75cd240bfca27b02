#!/usr/bin/env bash
# The whole test command: formatting, lints, docs, every test, spec validation and the
# generated-code freshness check. Installs what it needs; safe to run on a fresh machine.
#
# Each thing is built once: clippy checks, rustdoc documents, `cargo test` builds every program
# and test, and the conformance and browser runs use the people-mock program `cargo test` built
# (a `cargo build -p people-mock` would build it, and tokio, hyper and axum under it, a second time
# with the feature set of that one package).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

. scripts/lib/target-dir.sh

# Python tools live in a virtual environment in cargo's target directory, pinned.
VENV=$TARGET_DIR/py
OPENAPI_SPEC_VALIDATOR=0.9.0
if [ ! -x "$VENV/bin/openapi-spec-validator" ]; then
  step "installing openapi-spec-validator $OPENAPI_SPEC_VALIDATOR"
  mkdir -p "$TARGET_DIR"
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

# The generated client's freshness is a test of xtask (xtask/tests/codegen_fresh.rs, the same
# comparison as `cargo xtask codegen --check`): running the command too would build xtask and
# its dependencies a second time, with the feature set of xtask alone.
step "cargo test (with the generated client's freshness)"
cargo test --workspace --locked

step "multipart interop: the SDK's file names read by Werkzeug, curl's read by people-mock"
VENV=$VENV PEOPLE_MOCK_BIN=$TARGET_DIR/debug/people-mock bash scripts/multipart-interop.sh

step "spec conformance: schemathesis against the people-mock binary"
PEOPLE_MOCK_BIN=$TARGET_DIR/debug/people-mock scripts/conformance.sh

step "browser tests: demo page and API docs in headless Chromium"
PEOPLE_MOCK_BIN=$TARGET_DIR/debug/people-mock bash scripts/browser-test.sh
