//! Project automation.
//!
//! * `cargo xtask codegen` regenerates `sdk/src/generated.rs` from `spec/people.yaml`.
//! * `cargo xtask codegen --check` fails when the committed file is stale.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use xtask::{GENERATED_PATH, SPEC_PATH, generate};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["codegen"] => run(false),
        ["codegen", "--check"] => run(true),
        _ => {
            eprintln!("usage: cargo xtask codegen [--check]");
            ExitCode::from(2)
        }
    }
}

fn run(check: bool) -> ExitCode {
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
    } else if let Err(err) = std::fs::write(&target, code) {
        eprintln!("cannot write {GENERATED_PATH}: {err}");
        ExitCode::FAILURE
    } else {
        println!("wrote {GENERATED_PATH}");
        ExitCode::SUCCESS
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}
