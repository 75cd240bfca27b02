//! The `people-mock` program of this build, run as a child process on a free loopback port:
//! where it listens (from its banner), what it writes, and a few HTTP calls to it.
//!
//! Cargo builds the program before it builds the tests of its own package and names it in
//! `CARGO_BIN_EXE_people-mock`: no test builds anything, and no timer includes a build.

use std::io::{ErrorKind, Read};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::watch;

/// How long a test waits for the program to do what it must (print a line, close a connection,
/// exit): a bound against hanging, not a speed goal.
pub const BOUND: Duration = Duration::from_secs(60);

/// A running `people-mock`, killed (by its own handle) when dropped.
pub struct Program {
    child: Child,
    /// `127.0.0.1:PORT`.
    pub addr: String,
    /// `http://127.0.0.1:PORT/api/v1/`, read from the first line of the banner.
    pub base: String,
    /// `http://127.0.0.1:PORT`.
    pub origin: String,
    /// A client for calls to it.
    pub http: reqwest::Client,
    /// What it writes on standard output: its start-up banner.
    pub stdout: Pipe,
    /// What it writes on standard error: its request log.
    pub stderr: Pipe,
}

/// How a stopped program ended and everything it wrote, line by line.
#[derive(Debug)]
pub struct Stopped {
    pub status: ExitStatus,
    pub stdout: Vec<String>,
    pub stderr: Vec<String>,
}

impl Program {
    /// Starts the program on `127.0.0.1:0` with `args`, `RUST_LOG` unset, and waits for the
    /// first line of its banner, which names its address.
    pub async fn start(args: &[&str]) -> Self {
        let mut command = Self::command(args);
        command.env_remove("RUST_LOG");
        Self::spawn(command).await
    }

    /// [`start`](Self::start) with `RUST_LOG=trace`: every event on standard error.
    pub async fn start_tracing(args: &[&str]) -> Self {
        let mut command = Self::command(args);
        command.env("RUST_LOG", "trace");
        Self::spawn(command).await
    }

    /// The program with `--addr 127.0.0.1:0` and `args`, not started.
    fn command(args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_people-mock"));
        command.args(["--addr", "127.0.0.1:0"]).args(args);
        command
    }

    /// Starts the program as `command` says (it must not name a fixed port), with its output
    /// piped, and waits for the first line of its banner.
    pub async fn spawn(mut command: Command) -> Self {
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("people-mock starts");
        let stdout = Pipe::read(child.stdout.take().expect("a stdout pipe"));
        let stderr = Pipe::read(child.stderr.take().expect("a stderr pipe"));
        // Killed by the handle's drop if anything below fails.
        let mut program = Program {
            child,
            addr: String::new(),
            base: String::new(),
            origin: String::new(),
            http: reqwest::Client::new(),
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
        program.origin = format!("http://{}", program.addr);
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

    /// The program's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `base` joined with a path relative to `/api/v1/`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The raw answer of the token endpoint to a form.
    pub async fn token_response(&self, form: &str) -> reqwest::Response {
        self.http
            .post(self.url("oauth/token"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form.to_string())
            .send()
            .await
            .expect("the token endpoint answers")
    }

    /// A client-credentials grant for `id`, which must succeed; the whole token answer.
    pub async fn token(&self, id: &str, secret: &str) -> Value {
        let resp = self
            .token_response(&format!(
                "grant_type=client_credentials&client_id={id}&client_secret={secret}"
            ))
            .await;
        assert_eq!(resp.status(), 200, "token for {id}");
        resp.json().await.expect("a JSON token")
    }

    /// The access token of a client-credentials grant for the demo client.
    pub async fn demo_token(&self) -> String {
        let token = self.token("demo-client", "demo-secret").await;
        token["access_token"].as_str().unwrap().to_string()
    }

    /// `GET /__mock/config`.
    pub async fn config(&self) -> Value {
        let resp = self
            .http
            .get(format!("{}/__mock/config", self.origin))
            .send()
            .await
            .expect("the config answers");
        assert_eq!(resp.status(), 200);
        resp.json().await.expect("JSON config")
    }

    /// `POST /__mock/clock` moving the program's manual clock by `secs`; the clock afterwards.
    pub async fn advance(&self, secs: f64) -> Value {
        let resp = self
            .http
            .post(format!("{}/__mock/clock", self.origin))
            .json(&serde_json::json!({ "advance_secs": secs }))
            .send()
            .await
            .expect("the clock answers");
        assert_eq!(resp.status(), 200);
        resp.json().await.expect("JSON clock")
    }

    /// An authenticated GET of a path under `/api/v1/`.
    pub async fn get(&self, token: &str, path: &str) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("the server answers")
    }

    /// Sends SIGTERM, waits for the exit, and returns everything the program wrote.
    pub async fn stop(mut self) -> Stopped {
        let status = self.terminate().await;
        let lines = |pipe: &Pipe| pipe.text().lines().map(str::to_owned).collect();
        Stopped {
            status,
            stdout: lines(&self.stdout),
            stderr: lines(&self.stderr),
        }
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
        // The guard `wait_for` returns is dropped at once: held while `text` takes the lock again,
        // it deadlocks as soon as the reading thread waits to append (readers queue behind a
        // waiting writer), and no timer can end a blocked thread.
        let waited = tokio::time::timeout(
            BOUND,
            rx.wait_for(|written| written.closed || done(&String::from_utf8_lossy(&written.bytes))),
        )
        .await
        .map(|seen| seen.map(drop));
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
        let waited = tokio::time::timeout(BOUND, rx.wait_for(|written| written.closed))
            .await
            .map(|seen| seen.map(drop));
        let text = self.text();
        assert!(
            matches!(waited, Ok(Ok(_))),
            "the pipe still open after {BOUND:?}: {text}"
        );
        text
    }
}
