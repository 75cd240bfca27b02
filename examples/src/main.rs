//! `people`: a command-line client for the People API v1, built on `people-sdk`.
//!
//! Run `people --help` for the commands and the exit codes. With no `--base-url`, `people` starts
//! an embedded `people-mock` server and uses its demo credentials (feature `embedded-mock`, on by
//! default; built without it, `people` needs `--base-url`).

mod cli;
mod context;
mod embedded;
mod failure;
mod files_cmd;
mod output;
mod people_cmd;
mod progress;
mod remote_mock;
mod state;
mod token_cmd;
mod tour;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{AttachmentCommand, Cli, Command, PhotoCommand};
use crate::context::Context;
use crate::failure::Failure;
use crate::output::{color_allowed, paint};

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(cli.global.verbose);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("people: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        let ctx = context::connect(&cli.global).await?;
        run(&ctx, &cli.command).await
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            report(&failure);
            ExitCode::from(failure.exit_code())
        }
    }
}

async fn run(ctx: &Context, command: &Command) -> Result<(), Failure> {
    match command {
        Command::List(args) => people_cmd::list(ctx, args).await,
        Command::Get { lname } => people_cmd::get(ctx, lname).await,
        Command::Create { fname, lname } => people_cmd::create(ctx, fname, lname).await,
        Command::Update {
            lname,
            fname,
            if_match,
        } => people_cmd::update(ctx, lname, fname, if_match.as_deref()).await,
        Command::Patch {
            lname,
            fname,
            if_match,
        } => people_cmd::patch(ctx, lname, fname.as_deref(), if_match.as_deref()).await,
        Command::Delete { lname, if_match } => {
            people_cmd::delete(ctx, lname, if_match.as_deref()).await
        }
        Command::Photo(PhotoCommand::Upload {
            lname,
            file,
            caption,
        }) => files_cmd::photo_upload(ctx, lname, file, caption.as_deref()).await,
        Command::Photo(PhotoCommand::Get { lname, out }) => {
            files_cmd::photo_get(ctx, lname, out).await
        }
        Command::Photo(PhotoCommand::Delete { lname }) => files_cmd::photo_delete(ctx, lname).await,
        Command::Attach { lname, files, note } => {
            files_cmd::attach(ctx, lname, files, note.as_deref()).await
        }
        Command::Attachments { lname } => files_cmd::attachments(ctx, lname).await,
        Command::Attachment(AttachmentCommand::Get { lname, id, out }) => {
            files_cmd::attachment_get(ctx, lname, id, out).await
        }
        Command::Attachment(AttachmentCommand::Delete { lname, id }) => {
            files_cmd::attachment_delete(ctx, lname, id).await
        }
        Command::Token { show_token } => token_cmd::token(ctx, *show_token).await,
        Command::Tour => tour::run(ctx).await,
        Command::Reset => state::reset(ctx),
    }
}

/// One sentence on stderr: what failed, and a hint where one helps.
fn report(failure: &Failure) {
    use std::io::IsTerminal;
    let color = color_allowed(std::io::stderr().is_terminal());
    let mut line = format!("{} {failure}", paint(color, "1;31", "error:"));
    if let Some(hint) = failure.hint() {
        line.push_str(&format!(" (hint: {hint})"));
    }
    eprintln!("{line}");
}

/// `--verbose` logs the SDK's requests and retries (and the embedded mock's) to stderr.
fn init_tracing(verbose: bool) {
    use std::io::IsTerminal;
    let filter = if verbose {
        "people=debug,people_sdk=debug,people_mock=info"
    } else {
        "warn"
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_writer(std::io::stderr)
        .with_ansi(color_allowed(std::io::stderr().is_terminal()))
        .with_target(false)
        .try_init();
}
