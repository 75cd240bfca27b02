//! Project automation.
//!
//! * `cargo xtask codegen` regenerates `sdk/src/generated.rs` from `spec/people.yaml`.
//! * `cargo xtask codegen --check` fails when the committed file is stale.
//! * `cargo xtask public-api` rewrites `sdk/public-api.txt`, the listing of people-sdk's public
//!   API, from rustdoc's JSON output (rustdoc is run with `RUSTC_BOOTSTRAP=1`, as that output is
//!   unstable).
//! * `cargo xtask public-api --check` fails with the changed lines when the listing is stale.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use xtask::public_api::{self, CRATE, PACKAGE, PUBLIC_API_PATH};

const USAGE: &str = "usage: cargo xtask codegen [--check] | cargo xtask public-api [--check]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["codegen"] => codegen(false),
        ["codegen", "--check"] => codegen(true),
        ["public-api"] => public_api(false),
        ["public-api", "--check"] => public_api(true),
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

#[cfg(feature = "codegen")]
fn codegen(check: bool) -> ExitCode {
    use xtask::codegen::{GENERATED_PATH, SPEC_PATH, generate};

    let root = workspace_root();
    let spec = match std::fs::read_to_string(root.join(SPEC_PATH)) {
        Ok(spec) => spec,
        Err(err) => {
            eprintln!("cannot read {SPEC_PATH}: {err}");
            return ExitCode::FAILURE;
        }
    };
    let code = match generate(&spec) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("code generation failed: {err}");
            return ExitCode::FAILURE;
        }
    };
    let target = root.join(GENERATED_PATH);
    if check {
        let current = std::fs::read_to_string(&target).unwrap_or_default();
        if current == code {
            println!("{GENERATED_PATH} is up to date");
            ExitCode::SUCCESS
        } else {
            eprintln!("{GENERATED_PATH} is stale: run `cargo xtask codegen`");
            ExitCode::FAILURE
        }
    } else {
        write(&target, GENERATED_PATH, &code)
    }
}

#[cfg(not(feature = "codegen"))]
fn codegen(_check: bool) -> ExitCode {
    eprintln!("this xtask was built without its `codegen` feature");
    ExitCode::FAILURE
}

fn public_api(check: bool) -> ExitCode {
    let root = workspace_root();
    let listing = match rustdoc_json(&root).and_then(|doc| public_api::render(&doc)) {
        Ok(listing) => listing,
        Err(err) => {
            eprintln!("cannot list the public API: {err}");
            return ExitCode::FAILURE;
        }
    };
    let target = root.join(PUBLIC_API_PATH);
    if !check {
        return write(&target, PUBLIC_API_PATH, &listing);
    }
    let committed = std::fs::read_to_string(&target).unwrap_or_default();
    match public_api::diff(&committed, &listing) {
        None => {
            println!("{PUBLIC_API_PATH} is up to date");
            ExitCode::SUCCESS
        }
        Some(diff) => {
            eprintln!(
                "{PUBLIC_API_PATH} is stale (- committed, + now): run `cargo xtask public-api` \
                 and commit the result\n{diff}"
            );
            ExitCode::FAILURE
        }
    }
}

/// Runs rustdoc on the SDK's library for its JSON output and reads it.
fn rustdoc_json(root: &Path) -> Result<serde_json::Value, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let metadata = Command::new(&cargo)
        .current_dir(root)
        .args(["metadata", "--format-version", "1", "--no-deps", "--locked"])
        .output()
        .map_err(|err| format!("cannot run cargo metadata: {err}"))?;
    if !metadata.status.success() {
        return Err(format!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&metadata.stderr)
        ));
    }
    let metadata: serde_json::Value = serde_json::from_slice(&metadata.stdout)
        .map_err(|err| format!("cargo metadata printed no JSON: {err}"))?;
    let target_dir = metadata
        .get("target_directory")
        .and_then(serde_json::Value::as_str)
        .ok_or("cargo metadata named no target directory")?;

    let status = Command::new(&cargo)
        .current_dir(root)
        .env("RUSTC_BOOTSTRAP", "1")
        .args([
            "rustdoc",
            "--quiet",
            "--locked",
            "--package",
            PACKAGE,
            "--lib",
            "--",
        ])
        .args(["-Z", "unstable-options", "--output-format", "json"])
        .status()
        .map_err(|err| format!("cannot run cargo rustdoc: {err}"))?;
    if !status.success() {
        return Err(format!("cargo rustdoc failed ({status})"));
    }
    let path = Path::new(target_dir)
        .join("doc")
        .join(format!("{CRATE}.json"));
    let text = std::fs::read_to_string(&path)
        .map_err(|err| format!("cannot read {}: {err}", path.display()))?;
    serde_json::from_str(&text).map_err(|err| format!("{} is not JSON: {err}", path.display()))
}

fn write(target: &Path, shown: &str, text: &str) -> ExitCode {
    match std::fs::write(target, text) {
        Ok(()) => {
            println!("wrote {shown}");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("cannot write {shown}: {err}");
            ExitCode::FAILURE
        }
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}
