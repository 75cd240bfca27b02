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

# cargo-deny, pinned, built from crates.io into a folder of the target directory the first time
# (about 2.5 minutes on 2 cores; its prebuilt binaries live on GitHub, which CI cannot reach).
CARGO_DENY=0.20.2
TOOLS="${CARGO_TARGET_DIR:-target}/tools"
if [ "$("$TOOLS/bin/cargo-deny" --version 2>/dev/null)" != "cargo-deny $CARGO_DENY" ]; then
  step "installing cargo-deny $CARGO_DENY"
  cargo install --locked --quiet --root "$TOOLS" "cargo-deny@$CARGO_DENY"
fi

# native-tls builds against OpenSSL: its headers and pkg-config (on the machine image already).
if ! pkg-config --exists openssl 2>/dev/null; then
  step "installing libssl-dev and pkg-config"
  apt-get update -qq && apt-get install -y -qq libssl-dev pkg-config
fi

step "spec: openapi-spec-validator"
"$VENV/bin/openapi-spec-validator" spec/people.yaml

step "module import cycles: scripts/module-cycles.py"
python3 scripts/module-cycles.py

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "licences and duplicate crates: cargo deny check licenses bans (advisories need a network)"
"$TOOLS/bin/cargo-deny" check licenses bans

step "cargo doc"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked

# rustdoc's JSON output of the SDK (unstable, so under RUSTC_BOOTSTRAP=1, which cargo fingerprints:
# about 25 of the SDK's dependencies are checked again for it, a minute on 2 cores; rustdoc itself
# takes seconds), read by xtask built without its code generation (serde_json is all it needs).
step "public API listing: cargo xtask public-api --check"
cargo run --quiet --locked -p xtask --no-default-features -- public-api --check

# The generated client's freshness is a test of xtask (xtask/tests/codegen_fresh.rs, the same
# comparison as `cargo xtask codegen --check`): running the command too would build xtask and
# its dependencies a second time, with the feature set of xtask alone.
step "cargo test (with the generated client's freshness)"
cargo test --workspace --locked

step "multipart interop: the SDK's file names read by Werkzeug, curl's read by people-mock"
VENV=$VENV PEOPLE_MOCK_BIN=$TARGET_DIR/debug/people-mock bash scripts/multipart-interop.sh

step "feature variants: each combination that matters builds, lints and runs its own tests"
# The defaults are covered above; these reuse that build's dependencies where the features agree.
cargo clippy -p people-sdk --no-default-features --locked -- -D warnings
cargo clippy -p people-sdk --no-default-features --features native-tls --locked -- -D warnings
cargo clippy -p people-sdk --no-default-features --features rustls-no-provider --locked -- -D warnings
cargo test -p people-sdk --no-default-features --features rustls-no-provider --locked --lib tls::
cargo clippy -p people-mock --no-default-features --locked -- -D warnings
cargo test -p people-mock --no-default-features --locked --lib
cargo clippy -p people-examples --no-default-features --all-targets --locked -- -D warnings
cargo test -p people-examples --no-default-features --locked --bin people

step "spec conformance: schemathesis against the people-mock binary"
PEOPLE_MOCK_BIN=$TARGET_DIR/debug/people-mock scripts/conformance.sh

step "browser tests: demo page and API docs in headless Chromium"
PEOPLE_MOCK_BIN=$TARGET_DIR/debug/people-mock bash scripts/browser-test.sh
