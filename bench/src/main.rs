//! `people-bench`: the measuring programs behind `bench/run.sh`.
//!
//! Each measuring subcommand prints one JSON object on standard output (the
//! figures) and a human summary on standard error. Every server it starts or
//! talks to is on `127.0.0.1`.

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::response::Response;
use axum::routing::get;
use axum::serve::ListenerExt;
use bytes::Bytes;
use clap::{Parser, Subcommand, ValueEnum};
use http::{HeaderMap, StatusCode};
use people_bench::{
    BoxError, LNAME, fetch_token, median, own_status_kib, plain_http_client, quantile, raw_get,
    sdk_client, start_to_first_request, unthrottled_mock,
};
use people_mock::Fault;
use people_sdk::{AttachmentUpload, PhotoUpload};
use serde_json::json;

/// Measuring programs for people-mock and people-sdk.
#[derive(Debug, Parser)]
#[command(name = "people-bench", about, long_about = None)]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve, from a bare axum handler, the bytes a running mock answers to each URL
    /// (fetched once at start with a fresh token): no authentication, no state.
    Limit {
        /// Address to listen on (loopback).
        #[arg(long, default_value = "127.0.0.1:18090")]
        addr: SocketAddr,
        /// A mock URL to copy; served under the same path. Repeatable.
        #[arg(long = "fetch", value_name = "URL", required = true)]
        fetch: Vec<String>,
    },
    /// Time from `PeopleMock::start()` to the end of the first successful answer.
    Startup {
        /// Measured starts.
        #[arg(long, default_value_t = 500)]
        samples: usize,
        /// Unmeasured starts before them.
        #[arg(long, default_value_t = 20)]
        warmup: usize,
    },
    /// The SDK's `get` against reqwest + serde_json, one mock, one process, alternating.
    SdkGet {
        /// Sequential calls per side and round.
        #[arg(long, default_value_t = 500)]
        calls: usize,
        /// Rounds, each one of SDK calls and one of raw calls, the first side alternating.
        #[arg(long, default_value_t = 40)]
        rounds: usize,
    },
    /// Streaming every person with a delay on each page: read-ahead against one page at a time.
    Stream {
        /// People generated beyond the three seeds.
        #[arg(long, default_value_t = 9_997)]
        people: usize,
        /// People per page.
        #[arg(long, default_value_t = 100)]
        per_page: u64,
        /// Injected delay of every list request, in milliseconds.
        #[arg(long, default_value_t = 5)]
        delay_ms: u64,
        /// Pages fetched at once by the read-ahead side.
        #[arg(long, default_value_t = 4)]
        read_ahead: usize,
        /// Rounds of (read-ahead, one page at a time).
        #[arg(long, default_value_t = 3)]
        rounds: usize,
    },
    /// Uploads a file from disk with the SDK to a running mock; reports the time and
    /// this process's peak resident set.
    Upload {
        /// The mock's base URL, `http://127.0.0.1:PORT/api/v1/`.
        #[arg(long)]
        base_url: String,
        /// What to upload the file as.
        #[arg(long, value_enum)]
        kind: UploadKind,
        /// The file.
        #[arg(long)]
        file: PathBuf,
        /// The person to upload to.
        #[arg(long, default_value = LNAME)]
        lname: String,
    },
    /// Writes a file of pseudo-random bytes that starts with the PNG signature.
    MakeFile {
        /// Where.
        #[arg(long)]
        path: PathBuf,
        /// Size in MiB.
        #[arg(long, default_value_t = 256)]
        mib: u64,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum UploadKind {
    /// `POST /people/{lname}/photo`.
    Photo,
    /// `POST /people/{lname}/attachments`.
    Attachment,
}

fn main() -> Result<(), BoxError> {
    let args = Args::parse();
    match args.command {
        Command::Limit { addr, fetch } => multi_thread()?.block_on(limit(addr, fetch)),
        Command::Startup { samples, warmup } => {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime.block_on(startup(samples, warmup))
        }
        Command::SdkGet { calls, rounds } => multi_thread()?.block_on(sdk_get(calls, rounds)),
        Command::Stream {
            people,
            per_page,
            delay_ms,
            read_ahead,
            rounds,
        } => multi_thread()?.block_on(stream(people, per_page, delay_ms, read_ahead, rounds)),
        Command::Upload {
            base_url,
            kind,
            file,
            lname,
        } => multi_thread()?.block_on(upload(&base_url, kind, &file, &lname)),
        Command::MakeFile { path, mib } => make_file(&path, mib),
    }
}

fn multi_thread() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
}

fn emit(value: serde_json::Value) {
    println!("{value}");
}

/// A response copied from the mock, served as is.
struct Canned {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl Canned {
    fn response(&self) -> Response {
        let mut response = Response::new(Body::from(self.body.clone()));
        *response.status_mut() = self.status;
        *response.headers_mut() = self.headers.clone();
        response
    }
}

async fn limit(addr: SocketAddr, urls: Vec<String>) -> Result<(), BoxError> {
    let http = plain_http_client()?;
    let mut router = Router::new();
    let mut routes = Vec::new();
    for url in urls {
        let parsed = reqwest::Url::parse(&url)?;
        let origin = parsed.origin().ascii_serialization();
        let token = fetch_token(&http, &origin).await?;
        let response = http.get(parsed.clone()).bearer_auth(token).send().await?;
        let status = response.status();
        if !status.is_success() {
            return Err(format!("GET {url} answered {status}").into());
        }
        let mut headers = response.headers().clone();
        for name in [
            http::header::DATE,
            http::header::CONTENT_LENGTH,
            http::header::TRANSFER_ENCODING,
            http::header::CONNECTION,
        ] {
            headers.remove(name);
        }
        let body = response.bytes().await?;
        routes.push(json!({"path": parsed.path(), "bytes": body.len(), "headers": headers.len()}));
        let canned = Arc::new(Canned {
            status,
            headers,
            body,
        });
        router = router.route(
            parsed.path(),
            get(move || {
                let canned = canned.clone();
                async move { canned.response() }
            }),
        );
    }
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    eprintln!("limit server on http://{bound}");
    emit(json!({"addr": bound.to_string(), "routes": routes}));
    // Like the mock, answers are not held back by Nagle's algorithm.
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, router).await?;
    Ok(())
}

async fn startup(samples: usize, warmup: usize) -> Result<(), BoxError> {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()?;
    for _ in 0..warmup {
        start_to_first_request(&http).await?;
    }
    let mut millis = Vec::with_capacity(samples);
    for _ in 0..samples {
        millis.push(start_to_first_request(&http).await?.as_secs_f64() * 1000.0);
    }
    let result = json!({
        "samples": samples,
        "median_ms": median(&millis),
        "p10_ms": quantile(&millis, 0.1),
        "p90_ms": quantile(&millis, 0.9),
        "min_ms": quantile(&millis, 0.0),
        "max_ms": quantile(&millis, 1.0),
    });
    eprintln!("start to first answer: {result}");
    emit(result);
    Ok(())
}

async fn sdk_get(calls: usize, rounds: usize) -> Result<(), BoxError> {
    let mock = unthrottled_mock().start().await;
    let sdk = sdk_client(&mock)?;
    let http = plain_http_client()?;
    let token = fetch_token(&http, &mock.uri()).await?;
    let url = format!("{}people/{LNAME}", mock.base_url());
    // Both sides warm up: a token for the SDK, a pooled connection for each.
    let fetched = sdk.person(LNAME).get().await?;
    let (raw, _) = raw_get(&http, &url, &token).await?;
    if fetched.lname.as_str() != LNAME || raw.lname != LNAME {
        return Err("the two clients read different people".into());
    }
    for _ in 0..calls.min(1000) {
        sdk.person(LNAME).get().await?;
        raw_get(&http, &url, &token).await?;
    }
    // Many short rounds, the side that goes first alternating (SDK-raw, raw-SDK, …): a burst of
    // load from elsewhere lands on both sides of a round, and each round gives its own ratio.
    let (mut sdk_us, mut raw_us, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        let (mut sdk_round, mut raw_round) = (0.0, 0.0);
        for side in 0..2 {
            let started = Instant::now();
            if (round + side) % 2 == 0 {
                for _ in 0..calls {
                    sdk.person(LNAME).get().await?;
                }
                sdk_round = started.elapsed().as_secs_f64() * 1e6 / calls as f64;
            } else {
                for _ in 0..calls {
                    raw_get(&http, &url, &token).await?;
                }
                raw_round = started.elapsed().as_secs_f64() * 1e6 / calls as f64;
            }
        }
        sdk_us.push(sdk_round);
        raw_us.push(raw_round);
        ratios.push(sdk_round / raw_round);
        eprintln!(
            "round {}: sdk {sdk_round:.2} us/call, raw {raw_round:.2} us/call",
            round + 1
        );
    }
    let (sdk_median, raw_median) = (median(&sdk_us), median(&raw_us));
    emit(json!({
        "calls": calls,
        "rounds": rounds,
        "sdk_us": sdk_us,
        "raw_us": raw_us,
        "sdk_median_us": sdk_median,
        "raw_median_us": raw_median,
        "ratio_of_medians": sdk_median / raw_median,
        "ratio": median(&ratios),
        "ratio_p25": quantile(&ratios, 0.25),
        "ratio_p75": quantile(&ratios, 0.75),
    }));
    mock.shutdown().await;
    Ok(())
}

async fn stream(
    people: usize,
    per_page: u64,
    delay_ms: u64,
    read_ahead: usize,
    rounds: usize,
) -> Result<(), BoxError> {
    let mock = unthrottled_mock().people(people).start().await;
    mock.inject(
        Fault::delay(Duration::from_millis(delay_ms))
            .method("GET")
            .path("/api/v1/people"),
    );
    let sdk = sdk_client(&mock)?;
    let expected = mock.people().len();
    // The token and the connection, outside the measured time.
    sdk.people().list().per_page(1).send().await?;
    let (mut ahead_ms, mut single_ms) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        for (pages, out) in [(read_ahead, &mut ahead_ms), (1, &mut single_ms)] {
            let started = Instant::now();
            let all = sdk
                .people()
                .list()
                .per_page(per_page)
                .read_ahead(pages)
                .collect_all()
                .await?;
            out.push(started.elapsed().as_secs_f64() * 1000.0);
            if all.len() != expected {
                return Err(format!("streamed {} people, not {expected}", all.len()).into());
            }
        }
        eprintln!(
            "round {}: read-ahead {read_ahead} {:.1} ms, one page at a time {:.1} ms",
            round + 1,
            ahead_ms[round],
            single_ms[round]
        );
    }
    let (ahead, single) = (median(&ahead_ms), median(&single_ms));
    emit(json!({
        "people": expected,
        "per_page": per_page,
        "delay_ms": delay_ms,
        "read_ahead": read_ahead,
        "read_ahead_ms": ahead_ms,
        "single_ms": single_ms,
        "read_ahead_median_ms": ahead,
        "single_median_ms": single,
        "speedup": single / ahead,
    }));
    mock.shutdown().await;
    Ok(())
}

async fn upload(
    base_url: &str,
    kind: UploadKind,
    file: &Path,
    lname: &str,
) -> Result<(), BoxError> {
    let bytes = tokio::fs::metadata(file).await?.len();
    let client = people_sdk::Client::builder()
        .base_url(base_url)
        .client_credentials(people_mock::DEMO_CLIENT_ID, people_mock::DEMO_CLIENT_SECRET)
        .build()?;
    // The token, outside the measured time.
    client.token_info().await?;
    let person = client.person(lname);
    let started = Instant::now();
    match kind {
        UploadKind::Photo => {
            person.photo().upload(PhotoUpload::from_path(file)).await?;
        }
        UploadKind::Attachment => {
            let stored = person
                .attachments()
                .upload(AttachmentUpload::from_path(file))
                .await?;
            if stored.first().map(|a| a.size) != Some(bytes as i64) {
                return Err("the stored attachment has another size".into());
            }
        }
    }
    let secs = started.elapsed().as_secs_f64();
    let result = json!({
        "kind": format!("{kind:?}").to_lowercase(),
        "bytes": bytes,
        "secs": secs,
        "mb_per_s": bytes as f64 / 1e6 / secs,
        "client_vmhwm_kib": own_status_kib("VmHWM"),
        "client_vmrss_kib": own_status_kib("VmRSS"),
    });
    eprintln!("upload: {result}");
    emit(result);
    Ok(())
}

fn make_file(path: &Path, mib: u64) -> Result<(), BoxError> {
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";
    let mut block = vec![0u8; 1 << 20];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    for chunk in block.chunks_mut(8) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let n = chunk.len();
        chunk.copy_from_slice(&state.to_le_bytes()[..n]);
    }
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    for i in 0..mib {
        if i == 0 {
            block[..PNG.len()].copy_from_slice(PNG);
        }
        out.write_all(&block)?;
        if i == 0 {
            block[..PNG.len()].fill(0x5a);
        }
    }
    out.flush()?;
    Ok(())
}
