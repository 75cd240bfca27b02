//! Memory is bounded by configuration, not by what clients send: hostile load against the
//! program, with its resident set (VmRSS, and the peak VmHWM, from `/proc/<pid>/status`) read
//! before and after. Linux only, where `/proc` tells.
#![cfg(target_os = "linux")]

mod support;

use futures::StreamExt;
use support::program::Program;

const MIB: u64 = 1024 * 1024;
/// Requests in flight at once during a load.
const CONCURRENCY: usize = 8;

/// A field of `/proc/<pid>/status` (given in kB there), in bytes.
fn status_bytes(program: &Program, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{}/status", program.pid()))
        .expect("/proc/<pid>/status of the program");
    let line = status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .unwrap_or_else(|| panic!("no {field} in {status}"));
    let kb: u64 = line
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .expect("a number of kB");
    kb * 1024
}

/// Runs `count` requests made by `request`, [`CONCURRENCY`] at a time, each answered.
async fn load<F, Fut>(count: usize, request: F)
where
    F: Fn(usize) -> Fut,
    Fut: Future<Output = reqwest::Response>,
{
    futures::stream::iter((0..count).map(request))
        .buffer_unordered(CONCURRENCY)
        .for_each(|resp| async move {
            assert!(resp.status().as_u16() < 500, "{}", resp.status());
        })
        .await;
}

/// Runs `work` and asserts that the program's VmRSS grew by less than `ceiling` meanwhile.
async fn assert_growth_under(program: &Program, what: &str, ceiling: u64, work: impl Future) {
    let before = status_bytes(program, "VmRSS");
    work.await;
    let after = status_bytes(program, "VmRSS");
    eprintln!("{what}: VmRSS {} -> {} MiB", before / MIB, after / MIB);
    let growth = after.saturating_sub(before);
    assert!(
        growth < ceiling,
        "{what}: VmRSS grew by {} MiB",
        growth / MIB
    );
}

/// 1000 requests each with a 60 KiB header, near the 64 KiB the server takes in a request head
/// (no token: answered 401, journaled all the same). Without the caps the journal alone keeps
/// 60 MiB; with them, each entry keeps 4 KiB of the header, and the whole journal is under 8 MiB. Reading the journal back streams it: the peak
/// resident set stays under the same ceiling.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn huge_headers_do_not_grow_the_journal() {
    const CEILING: u64 = 32 * MIB;
    let program = Program::start(&["--log-format", "off"]).await;
    let big = "b".repeat(60 * 1024);
    let hit = |_| {
        program
            .http
            .get(program.url("people"))
            .header("x-big", &big)
            .send()
    };
    let hit = |i| async move { hit(i).await.expect("the server answers") };
    load(20, hit).await;
    let before = status_bytes(&program, "VmRSS");
    assert_growth_under(&program, "journal", CEILING, load(1000, hit)).await;
    let resp = program
        .http
        .get(format!("{}/__mock/journal", program.origin))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    // Streamed: written as it is produced, so no length is known up front.
    assert!(resp.headers().get("content-length").is_none());
    let journal: serde_json::Value = resp.json().await.unwrap();
    let peak = status_bytes(&program, "VmHWM");
    eprintln!("journal: VmHWM {} MiB after reading it back", peak / MIB);
    let data = journal["data"].as_array().unwrap();
    assert_eq!(data.len(), 1000);
    let last = data.last().unwrap();
    assert_eq!(last["truncated"], true, "{}", last["path"]);
    let header = last["headers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|pair| pair[0] == "x-big")
        .unwrap();
    assert_eq!(
        header[1].as_str().unwrap().len(),
        people_mock::MAX_JOURNAL_VALUE_BYTES
    );
    assert!(
        peak.saturating_sub(before) < CEILING,
        "VmHWM reached {} MiB from {} MiB",
        peak / MIB,
        before / MIB
    );
}

/// 30,000 client-credentials grants for one client capped at 100 live tokens. Uncapped, each
/// grant keeps an access and a refresh token (about 740 bytes, some 20 MiB in all); capped, the
/// oldest go as new ones come, and the oldest token of the load no longer authenticates.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_grants_do_not_grow_the_token_store() {
    const CEILING: u64 = 8 * MIB;
    let program = Program::start(&["--log-format", "off", "--max-tokens-per-client", "100"]).await;
    let form = "grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret";
    let grant = |_| program.token_response(form);
    load(300, grant).await;
    let first = program.demo_token().await;
    assert_eq!(program.get(&first, "people").await.status(), 200);
    assert_growth_under(&program, "tokens", CEILING, load(30_000, grant)).await;
    assert_eq!(program.get(&first, "people").await.status(), 401);
    let last = program.demo_token().await;
    assert_eq!(program.get(&last, "people").await.status(), 200);
}
