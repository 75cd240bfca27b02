# Where cargo puts what it builds, and so where the scripts find its programs and keep their own
# outputs. Source it from a bash script run at the repository root:
#
#   . scripts/lib/target-dir.sh
#
# Sets TARGET_DIR to cargo's target directory as `cargo metadata` reports it: it honours
# CARGO_TARGET_DIR and build.target-dir, so it is not always target/ at the root. Programs are in
# $TARGET_DIR/debug/ and $TARGET_DIR/release/. The scripts keep everything else they make there
# too, one folder each: $TARGET_DIR/py (the pinned Python tools' virtual environment),
# $TARGET_DIR/conformance, $TARGET_DIR/browser, $TARGET_DIR/soak.

cargo_target_dir() {
  local metadata
  metadata=$(cargo metadata --format-version 1 --no-deps --locked) || return 1
  if command -v python3 >/dev/null; then
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])' <<<"$metadata"
  elif command -v jq >/dev/null; then
    jq -r .target_directory <<<"$metadata"
  else
    echo "reading cargo metadata needs python3 or jq" >&2
    return 1
  fi
}

TARGET_DIR=$(cargo_target_dir)
[ -n "$TARGET_DIR" ] || {
  echo "cargo metadata named no target directory" >&2
  exit 1
}
