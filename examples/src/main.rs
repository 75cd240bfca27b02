//! `people`: a command-line client for the People API v1, built on `people-sdk`.
//!
//! Run `people --help` for the commands and the exit codes. With no `--base-url`, `people` starts
//! an embedded `people-mock` server and uses its demo credentials (feature `embedded-mock`, on by
//! default; built without it, `people` needs `--base-url`).

mod base_url;
mod cli;
mod confirm;
mod context;
mod embedded;
mod failure;
mod files_cmd;
mod mock_probe;
mod output;
mod people_cmd;
mod progress;
mod remote_mock;
mod state;
mod token_cmd;
mod tour;
mod verbose;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use crate::cli::{AttachmentCommand, Cli, Command, PhotoCommand};
use crate::confirm::confirm;
use crate::context::Context;
use crate::failure::Failure;
use crate::output::{color_allowed, paint};
use crate::verbose::Exchanges;

fn main() -> ExitCode {
    let mut cli = Cli::parse();
    cli.global.resolve_env();
    if let Command::Completions { shell } = cli.command {
        clap_complete::generate(shell, &mut Cli::command(), "people", &mut std::io::stdout());
        return ExitCode::SUCCESS;
    }
    if let Err(failure) = confirm_deletes(&cli) {
        report(&failure);
        return ExitCode::from(failure.exit_code());
    }
    let exchanges = Exchanges::default();
    if let Ok(mut place) = exchanges.place().lock() {
        place.fields = route_fields(&cli.command);
    }
    init_tracing(cli.global.verbose, &exchanges);
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
        if let Ok(mut place) = exchanges.place().lock() {
            place.base_url = ctx.client.base_url().to_string();
        }
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
        Command::Delete {
            lname, if_match, ..
        } => people_cmd::delete(ctx, lname, if_match.as_deref()).await,
        Command::Photo(PhotoCommand::Upload {
            lname,
            file,
            caption,
        }) => files_cmd::photo_upload(ctx, lname, file, caption.as_deref()).await,
        Command::Photo(PhotoCommand::Get { lname, out }) => {
            files_cmd::photo_get(ctx, lname, out).await
        }
        Command::Photo(PhotoCommand::Delete { lname, .. }) => {
            files_cmd::photo_delete(ctx, lname).await
        }
        Command::Attach { lname, files, note } => {
            files_cmd::attach(ctx, lname, files, note.as_deref()).await
        }
        Command::Attachments { lname } => files_cmd::attachments(ctx, lname).await,
        Command::Attachment(AttachmentCommand::Get { lname, id, out }) => {
            files_cmd::attachment_get(ctx, lname, id, out).await
        }
        Command::Attachment(AttachmentCommand::Delete { lname, id, .. }) => {
            files_cmd::attachment_delete(ctx, lname, id).await
        }
        Command::Token { show_token } => token_cmd::token(ctx, *show_token).await,
        Command::Tour { yes } => tour::run(ctx, *yes).await,
        Command::Reset { .. } => state::reset(ctx),
        // Answered in `main`, before any connection.
        Command::Completions { .. } => Ok(()),
    }
}

/// Asks before each delete (and a reset of the embedded mock's state), before anything is
/// started or sent.
fn confirm_deletes(cli: &Cli) -> Result<(), Failure> {
    match &cli.command {
        Command::Delete { lname, yes, .. } => confirm(&format!("Delete {lname}"), *yes),
        Command::Photo(PhotoCommand::Delete { lname, yes }) => {
            confirm(&format!("Delete the photo of {lname}"), *yes)
        }
        Command::Attachment(AttachmentCommand::Delete { lname, id, yes }) => {
            confirm(&format!("Delete attachment {id} of {lname}"), *yes)
        }
        // With a base URL there is nothing to reset: `state::reset` says so.
        Command::Reset { yes } if cli.global.base_url.is_none() => confirm(
            "Reset the embedded mock's state to the seed people, dropping every change",
            *yes,
        ),
        _ => Ok(()),
    }
}

/// The values `-v` puts into the route templates' placeholders.
fn route_fields(command: &Command) -> Vec<(&'static str, String)> {
    let (lname, id) = match command {
        Command::Get { lname }
        | Command::Create { lname, .. }
        | Command::Update { lname, .. }
        | Command::Patch { lname, .. }
        | Command::Delete { lname, .. }
        | Command::Attach { lname, .. }
        | Command::Attachments { lname }
        | Command::Photo(
            PhotoCommand::Upload { lname, .. }
            | PhotoCommand::Get { lname, .. }
            | PhotoCommand::Delete { lname, .. },
        ) => (Some(lname), None),
        Command::Attachment(
            AttachmentCommand::Get { lname, id, .. } | AttachmentCommand::Delete { lname, id, .. },
        ) => (Some(lname), Some(id)),
        _ => (None, None),
    };
    let mut fields = Vec::new();
    if let Some(lname) = lname {
        fields.push(("lname", lname.clone()));
    }
    if let Some(id) = id {
        fields.push(("id", id.clone()));
    }
    fields
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

/// The log on stderr: `RUST_LOG` when set, else warnings only; `-v` adds a line per HTTP
/// exchange, `-vv` its headers (secrets redacted) and the SDK's and the embedded mock's debug
/// events (retries, token renewals).
fn init_tracing(verbose: u8, exchanges: &Exchanges) {
    use std::io::IsTerminal;

    use tracing_subscriber::filter::{EnvFilter, LevelFilter, Targets};
    use tracing_subscriber::prelude::*;

    let filter = match std::env::var("RUST_LOG") {
        Ok(directives) if !directives.is_empty() => EnvFilter::new(directives),
        _ if verbose >= 2 => EnvFilter::new("people=debug,people_sdk=debug,people_mock=info"),
        _ => EnvFilter::new("warn"),
    };
    let log = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(color_allowed(std::io::stderr().is_terminal()))
        .with_target(false)
        .with_filter(filter);
    let exchanges = exchanges.clone().with_filter(match verbose {
        0 => Targets::new(),
        1 => Targets::new().with_target("people_sdk", LevelFilter::DEBUG),
        _ => Targets::new()
            .with_target("people_sdk", LevelFilter::DEBUG)
            .with_target("people_sdk::headers", LevelFilter::TRACE),
    });
    let _ = tracing_subscriber::registry()
        .with(log)
        .with(exchanges)
        .try_init();
}
