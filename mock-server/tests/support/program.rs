//! The `people-mock` program of this build, run as a child process on a free loopback port.
//!
//! Cargo builds the program before it builds the tests of its own package and names it in
//! `CARGO_BIN_EXE_people-mock`: no test builds anything, and no timer includes a build.

use std::io::{ErrorKind, Read};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::Duration;

use tokio::sync::watch;

/// How long a test waits for the program to do what it must (print a line, close a connection,
/// exit): a bound against hanging, not a speed goal.
pub const BOUND: Duration = Duration::from_secs(60);

/// A running `people-mock`, killed (by its own handle) when dropped.
pub struct Program {
    child: Child,
    /// `127.0.0.1:PORT`.
    pub addr: String,
    /// `http://127.0.0.1:PORT/api/v1/`.
    pub base: String,
    /// What it writes on standard output: its start-up banner.
    pub stdout: Pipe,
    /// What it writes on standard error: its request log.
    pub stderr: Pipe,
}

impl Program {
    /// Starts the program on `127.0.0.1:0` with `args`, `RUST_LOG` unset, and waits for the
    /// first line of its banner, which names its address.
    pub async fn start(args: &[&str]) -> Self {
        Self::spawn(args, None).await
    }

    /// [`start`](Self::start) with `RUST_LOG=trace`: every event on standard error.
    pub async fn start_tracing(args: &[&str]) -> Self {
        Self::spawn(args, Some("trace")).await
    }

    async fn spawn(args: &[&str], rust_log: Option<&str>) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_people-mock"));
        command
            .args(["--addr", "127.0.0.1:0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        match rust_log {
            Some(filter) => command.env("RUST_LOG", filter),
            None => command.env_remove("RUST_LOG"),
        };
        let mut child = command.spawn().expect("people-mock starts");
        let stdout = Pipe::read(child.stdout.take().expect("a stdout pipe"));
        let stderr = Pipe::read(child.stderr.take().expect("a stderr pipe"));
        // Killed by the handle's drop if anything below fails.
        let mut program = Program {
            child,
            addr: String::new(),
            base: String::new(),
            stdout,
            stderr,
        };
        let banner = program
            .stdout
            .until("the first line of the banner", |text| text.contains('\n'))
            .await;
        let first = banner.lines().next().unwrap_or_default();
        program.base = first
            .strip_prefix("people-mock listening on ")
            .unwrap_or_else(|| panic!("not the banner: {first:?}"))
            .to_owned();
        program.addr = program
            .base
            .trim_start_matches("http://")
            .split('/')
            .next()
            .expect("host:port")
            .to_owned();
        program
    }

    /// Sends SIGTERM and waits (within [`BOUND`]) for the program to exit; returns how it ended.
    pub async fn terminate(&mut self) -> ExitStatus {
        let pid = libc::pid_t::try_from(self.child.id()).expect("a pid fits in pid_t");
        // SAFETY: kill(2) takes two integers and touches no memory of this process. The pid is
        // that of our child, which has not been waited for, so it names no other process.
        let sent = unsafe { libc::kill(pid, libc::SIGTERM) };
        assert_eq!(
            sent,
            0,
            "kill({pid}, SIGTERM): {}",
            std::io::Error::last_os_error()
        );
        // A process's pipes close when it exits; then `wait` only collects its status.
        self.stdout.closed().await;
        self.stderr.closed().await;
        self.child.wait().expect("the program's exit status")
    }
}

impl Drop for Program {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Everything written on one pipe so far, and whether the writer has closed it.
#[derive(Default)]
struct Written {
    bytes: Vec<u8>,
    closed: bool,
}

/// One output pipe of the program, read to its end on a thread of its own, so that a test can
/// wait for a given line instead of sleeping and hoping it has come.
pub struct Pipe(watch::Receiver<Written>);

impl Pipe {
    fn read(mut pipe: impl Read + Send + 'static) -> Self {
        let (tx, rx) = watch::channel(Written::default());
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            loop {
                match pipe.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => tx.send_modify(|written| written.bytes.extend_from_slice(&buf[..n])),
                    Err(err) if err.kind() == ErrorKind::Interrupted => {}
                    Err(_) => break,
                }
            }
            tx.send_modify(|written| written.closed = true);
        });
        Pipe(rx)
    }

    /// Everything written so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.borrow().bytes).into_owned()
    }

    /// Waits until what was written satisfies `done` and returns it.
    ///
    /// # Panics
    /// Naming `what` and showing the text, when the pipe closes first or [`BOUND`] passes.
    pub async fn until(&self, what: &str, done: impl Fn(&str) -> bool) -> String {
        let mut rx = self.0.clone();
        let waited = tokio::time::timeout(
            BOUND,
            rx.wait_for(|written| written.closed || done(&String::from_utf8_lossy(&written.bytes))),
        )
        .await;
        let text = self.text();
        match waited {
            Ok(Ok(_)) if done(&text) => text,
            Ok(_) => panic!("the program closed the pipe before {what}: {text}"),
            Err(_) => panic!("no {what} within {BOUND:?}: {text}"),
        }
    }

    /// Waits (within [`BOUND`]) until the pipe is closed and returns everything written on it.
    pub async fn closed(&self) -> String {
        let mut rx = self.0.clone();
        let waited = tokio::time::timeout(BOUND, rx.wait_for(|written| written.closed)).await;
        let text = self.text();
        assert!(
            matches!(waited, Ok(Ok(_))),
            "the pipe still open after {BOUND:?}: {text}"
        );
        text
    }
}
