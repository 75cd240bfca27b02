//! The `people-mock` program run as a child process: where it listens (from its banner), what
//! it writes, and a few HTTP calls to it.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::Value;

/// How long a stopped program may take to exit.
const EXIT_BOUND: Duration = Duration::from_secs(10);

/// A running `people-mock` process, killed when dropped.
pub struct Program {
    child: Child,
    /// `http://127.0.0.1:PORT/api/v1/`, read from the first line of the banner.
    pub base: String,
    /// `http://127.0.0.1:PORT`.
    pub origin: String,
    /// A client for calls to it.
    pub http: reqwest::Client,
    stdout: Collected,
    stderr: Collected,
}

/// Everything a stopped program wrote, line by line.
#[derive(Debug)]
pub struct Stopped {
    pub status: ExitStatus,
    pub stdout: Vec<String>,
    pub stderr: Vec<String>,
}

/// Lines read from a pipe by a thread of their own, so the program never blocks on a full pipe.
struct Collected {
    lines: Arc<Mutex<Vec<String>>>,
    reader: Option<JoinHandle<()>>,
}

impl Collected {
    fn spawn(pipe: impl Read + Send + 'static, first: Vec<String>) -> Self {
        let lines = Arc::new(Mutex::new(first));
        let sink = lines.clone();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines() {
                let Ok(line) = line else { break };
                sink.lock().unwrap().push(line);
            }
        });
        Self {
            lines,
            reader: Some(reader),
        }
    }

    /// Every line, once the pipe is closed.
    fn finish(mut self) -> Vec<String> {
        if let Some(reader) = self.reader.take() {
            reader.join().expect("the pipe reader ends");
        }
        std::mem::take(&mut *self.lines.lock().unwrap())
    }
}

impl Program {
    /// Starts the program on a free loopback port with `args` (and `RUST_LOG` unset).
    pub fn start(args: &[&str]) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_people-mock"));
        command.args(["--addr", "127.0.0.1:0"]).args(args);
        Self::spawn(command)
    }

    /// Starts the program as `command` says; it must not name a fixed port.
    pub fn spawn(mut command: Command) -> Self {
        let mut child = command
            .env_remove("RUST_LOG")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the program starts");
        let stdout = child.stdout.take().expect("a piped stdout");
        let stderr = child.stderr.take().expect("a piped stderr");
        let stderr = Collected::spawn(stderr, Vec::new());
        let mut stdout = BufReader::new(stdout);
        let mut first = String::new();
        stdout
            .read_line(&mut first)
            .expect("the banner can be read");
        let first = first.trim_end().to_string();
        let Some(base) = first.strip_prefix("people-mock listening on ") else {
            let _ = child.kill();
            let _ = child.wait();
            panic!("no banner: {first:?}; stderr: {:?}", stderr.finish());
        };
        let base = base.to_string();
        let origin = base
            .strip_suffix("/api/v1/")
            .expect("the base URL ends with /api/v1/")
            .to_string();
        let stdout = Collected::spawn(stdout, vec![first]);
        Self {
            child,
            base,
            origin,
            http: reqwest::Client::new(),
            stdout,
            stderr,
        }
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
    pub fn stop(mut self) -> Stopped {
        let pid = self.child.id().to_string();
        let killed = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill runs");
        assert!(killed.success());
        let deadline = Instant::now() + EXIT_BOUND;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("the child can be waited for") {
                break status;
            }
            assert!(Instant::now() < deadline, "no exit after SIGTERM");
            std::thread::sleep(Duration::from_millis(10));
        };
        let stdout = std::mem::replace(
            &mut self.stdout,
            Collected {
                lines: Arc::default(),
                reader: None,
            },
        );
        let stderr = std::mem::replace(
            &mut self.stderr,
            Collected {
                lines: Arc::default(),
                reader: None,
            },
        );
        Stopped {
            status,
            stdout: stdout.finish(),
            stderr: stderr.finish(),
        }
    }
}

impl Drop for Program {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
