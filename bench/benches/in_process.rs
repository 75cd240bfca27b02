//! Criterion benches of the in-process measurements: a mock's start to its
//! first answer, and one `GET /people/{lname}` by the SDK and by reqwest +
//! serde_json against the same mock.
//!
//! `cargo bench -p people-bench --bench in_process`

use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use people_bench::{
    LNAME, fetch_token, plain_http_client, raw_get, sdk_client, start_to_first_request,
    unthrottled_mock,
};

fn startup(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .expect("an HTTP client");
    let mut group = c.benchmark_group("startup");
    group.bench_function("start_to_first_request", |b| {
        b.iter_custom(|iters| {
            runtime.block_on(async {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    total += start_to_first_request(&http)
                        .await
                        .expect("a mock that answers");
                }
                total
            })
        })
    });
    group.finish();
}

fn get(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let (mock, sdk, http, token) = runtime.block_on(async {
        let mock = unthrottled_mock().start().await;
        let sdk = sdk_client(&mock).expect("an SDK client");
        let http = plain_http_client().expect("an HTTP client");
        let token = fetch_token(&http, &mock.uri()).await.expect("a token");
        (mock, sdk, http, token)
    });
    let url = format!("{}people/{LNAME}", mock.base_url());
    let mut group = c.benchmark_group("get");
    group.bench_function("sdk", |b| {
        b.to_async(&runtime).iter_custom(|iters| {
            let sdk = sdk.clone();
            async move {
                let started = Instant::now();
                for _ in 0..iters {
                    sdk.person(LNAME).get().await.expect("a person");
                }
                started.elapsed()
            }
        })
    });
    group.bench_function("raw_reqwest", |b| {
        b.to_async(&runtime).iter_custom(|iters| {
            let (http, url, token) = (http.clone(), url.clone(), token.clone());
            async move {
                let started = Instant::now();
                for _ in 0..iters {
                    raw_get(&http, &url, &token).await.expect("a person");
                }
                started.elapsed()
            }
        })
    });
    group.finish();
    drop(mock);
}

criterion_group!(benches, startup, get);
criterion_main!(benches);
