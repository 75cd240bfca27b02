//! Concurrency: many tasks creating, replacing, patching, deleting and reading against one mock
//! over real sockets, then the final state compared with a sequential model; and writers racing
//! with one `If-Match`, of which exactly one wins.
//!
//! Each task owns its keys, so whatever the interleaving, the outcome of every request and the
//! final state are those of running each task's requests in order; the shared-key races are
//! where tasks meet.

mod support;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use people_mock::{PeopleMock, encode_segment};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use support::unlimited;
use tokio::sync::Barrier;
use tokio::task::JoinSet;
use tokio::time::timeout;

const TASKS: u64 = 24;
const OPS_PER_TASK: usize = 100;
const KEYS_PER_TASK: usize = 4;
const RACE_ROUNDS: usize = 40;
const BOUND: Duration = Duration::from_secs(120);

#[derive(Clone)]
struct Api {
    http: reqwest::Client,
    base: String,
    token: String,
}

struct Reply {
    status: StatusCode,
    etag: Option<String>,
    body: Value,
}

impl Api {
    async fn new(mock: &PeopleMock) -> Self {
        let http = reqwest::Client::new();
        let base = mock.base_url().to_string();
        let token: Value = http
            .post(format!("{base}oauth/token"))
            .basic_auth(mock.client_id(), Some(mock.client_secret()))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("grant_type=client_credentials")
            .send()
            .await
            .expect("the token endpoint answers")
            .json()
            .await
            .expect("a token");
        let token = token["access_token"].as_str().expect("a token").to_owned();
        Self { http, base, token }
    }

    /// `POST /people` with a JSON body.
    async fn create(&self, body: Value) -> Reply {
        self.send(
            Method::POST,
            "people",
            Some(("application/json", body)),
            None,
        )
        .await
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<(&str, Value)>,
        if_match: Option<&str>,
    ) -> Reply {
        let mut request = self
            .http
            .request(method.clone(), format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some((content_type, body)) = body {
            request = request
                .header("content-type", content_type)
                .body(body.to_string());
        }
        if let Some(tag) = if_match {
            request = request.header("if-match", tag);
        }
        let response = request.send().await.expect("the mock answers");
        let status = response.status();
        assert!(
            !status.is_server_error(),
            "{method} {path}: {status} under concurrency"
        );
        let etag = response
            .headers()
            .get("etag")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let bytes = response.bytes().await.expect("a body");
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply { status, etag, body }
    }
}

fn person_path(lname: &str) -> String {
    format!("people/{}", encode_segment(lname))
}

/// What one task knows of one of its keys.
#[derive(Debug, Clone, PartialEq)]
enum Slot {
    Never,
    Live { fname: String, etag: String },
    Gone,
}

impl Slot {
    /// The status a read or a change of an absent key gets.
    fn missing(&self) -> StatusCode {
        match self {
            Slot::Gone => StatusCode::GONE,
            _ => StatusCode::NOT_FOUND,
        }
    }
}

/// One task: random requests on its own keys, each answer checked against the model.
async fn run_task(api: Api, task: u64) -> BTreeMap<String, Slot> {
    let mut rng = fastrand::Rng::with_seed(0x5eed_0000 + task);
    let keys: Vec<String> = (0..KEYS_PER_TASK)
        .map(|k| format!("Tâche {task} n°{k} O'Neil"))
        .collect();
    let mut model = TaskModel {
        api,
        slots: keys.iter().map(|k| (k.clone(), Slot::Never)).collect(),
        stale: None,
    };
    for op in 0..OPS_PER_TASK {
        let key = &keys[rng.usize(..keys.len())];
        let step = Step {
            path: person_path(key),
            slot: model.slots[key].clone(),
            fname: format!("F{task}-{op}"),
            context: format!("task {task} op {op} on {key:?} ({:?})", model.slots[key]),
            key,
        };
        match rng.u8(..8) {
            0 | 1 => model.create(step).await,
            2 => model.put(step, None).await,
            3 => model.patch(step).await,
            // Now and then a tag from before a change (stale), else the one the task knows.
            4 => model.conditional_put(step, rng.bool()).await,
            5 => model.delete(step).await,
            6 => model.get(step).await,
            _ => model.filter(step).await,
        }
    }
    model.slots
}

/// One operation of a task: the key, what the model says of it, and the text of a failure.
struct Step<'k> {
    key: &'k str,
    path: String,
    slot: Slot,
    fname: String,
    context: String,
}

/// What one task knows of its keys, and the last ETag it saw replaced (a stale one).
struct TaskModel {
    api: Api,
    slots: BTreeMap<String, Slot>,
    stale: Option<String>,
}

impl TaskModel {
    async fn create(&mut self, step: Step<'_>) {
        let reply = self
            .api
            .create(json!({"fname": step.fname, "lname": step.key}))
            .await;
        if let Slot::Live { .. } = step.slot {
            assert_eq!(reply.status, StatusCode::CONFLICT, "{}", step.context);
        } else {
            assert_eq!(reply.status, StatusCode::CREATED, "{}", step.context);
            let etag = reply.etag.expect("ETag on create");
            let fname = step.fname;
            self.slots
                .insert(step.key.to_owned(), Slot::Live { fname, etag });
        }
    }

    async fn put(&mut self, step: Step<'_>, if_match: Option<&str>) {
        let reply = self.send_put(&step, if_match).await;
        self.apply_change(step, reply);
    }

    async fn send_put(&self, step: &Step<'_>, if_match: Option<&str>) -> Reply {
        let body = json!({"fname": step.fname, "lname": step.key});
        self.api
            .send(
                Method::PUT,
                &step.path,
                Some(("application/json", body)),
                if_match,
            )
            .await
    }

    async fn patch(&mut self, step: Step<'_>) {
        let body = json!({"fname": step.fname});
        let content_type = "application/merge-patch+json";
        let reply = self
            .api
            .send(Method::PATCH, &step.path, Some((content_type, body)), None)
            .await;
        self.apply_change(step, reply);
    }

    /// A PUT with `If-Match`: the task's current tag (current, as nobody else writes this
    /// key), or a stale one when asked and known; a live key with another tag gets 412.
    async fn conditional_put(&mut self, step: Step<'_>, stale: bool) {
        let tag = match (&step.slot, stale && self.stale.is_some()) {
            (_, true) => self.stale.clone(),
            (Slot::Live { etag, .. }, false) => Some(etag.clone()),
            _ => Some("\"never-issued\"".to_owned()),
        };
        let current = matches!(&step.slot, Slot::Live { etag, .. } if Some(etag) == tag.as_ref());
        if matches!(step.slot, Slot::Live { .. }) && !current {
            let reply = self.send_put(&step, tag.as_deref()).await;
            assert_eq!(
                reply.status,
                StatusCode::PRECONDITION_FAILED,
                "{}",
                step.context
            );
        } else {
            self.put(step, tag.as_deref()).await;
        }
    }

    async fn delete(&mut self, step: Step<'_>) {
        let reply = self.api.send(Method::DELETE, &step.path, None, None).await;
        match step.slot {
            Slot::Live { .. } => {
                assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", step.context);
                self.slots.insert(step.key.to_owned(), Slot::Gone);
            }
            _ => assert_eq!(reply.status, step.slot.missing(), "{}", step.context),
        }
    }

    async fn get(&mut self, step: Step<'_>) {
        let reply = self.api.send(Method::GET, &step.path, None, None).await;
        let context = &step.context;
        match &step.slot {
            Slot::Live { fname, etag } => {
                assert_eq!(reply.status, StatusCode::OK, "{context}");
                assert_eq!(reply.body["fname"], fname.as_str(), "{context}");
                assert_eq!(reply.body["lname"], step.key, "{context}");
                assert_eq!(reply.etag.as_ref(), Some(etag), "{context}");
            }
            _ => assert_eq!(reply.status, step.slot.missing(), "{context}"),
        }
    }

    /// `GET /people?lname=KEY` counts the key once while it is live, else not at all.
    async fn filter(&mut self, step: Step<'_>) {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("lname", step.key)
            .finish();
        let reply = self
            .api
            .send(Method::GET, &format!("people?{query}"), None, None)
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", step.context);
        let live = u64::from(matches!(step.slot, Slot::Live { .. }));
        assert_eq!(
            reply.body["meta"]["pagination"]["total"], live,
            "{}",
            step.context
        );
    }

    /// The answer to an unconditional PUT or PATCH, or to a conditional one with the current
    /// tag.
    fn apply_change(&mut self, step: Step<'_>, reply: Reply) {
        match &step.slot {
            Slot::Live { etag, .. } => {
                assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", step.context);
                let new = reply.etag.expect("ETag on change");
                assert_ne!(&new, etag, "{}: the ETag must change", step.context);
                self.stale = Some(etag.clone());
                let fname = step.fname;
                self.slots
                    .insert(step.key.to_owned(), Slot::Live { fname, etag: new });
            }
            _ => assert_eq!(reply.status, step.slot.missing(), "{}", step.context),
        }
    }
}

/// Every person, through the API, page by page.
async fn listed(api: &Api) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for page in 1.. {
        let reply = api
            .send(
                Method::GET,
                &format!("people?per_page=7&page={page}"),
                None,
                None,
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK);
        let data = reply.body["data"].as_array().expect("data").clone();
        if data.is_empty() {
            break;
        }
        for person in data {
            let lname = person["lname"].as_str().expect("lname").to_owned();
            let fname = person["fname"].as_str().expect("fname").to_owned();
            assert!(out.insert(lname, fname).is_none(), "a person listed twice");
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_tasks_end_where_the_sequential_model_ends() {
    timeout(BOUND, async {
        let mock = unlimited().start().await;
        let api = Api::new(&mock).await;
        let mut tasks = JoinSet::new();
        for task in 0..TASKS {
            tasks.spawn(run_task(api.clone(), task));
        }
        // Readers list everything while the writers run: never a 5xx, never a page out of shape.
        let mut readers = JoinSet::new();
        for _ in 0..2 {
            let api = api.clone();
            readers.spawn(async move {
                for _ in 0..40 {
                    let reply = api
                        .send(Method::GET, "people?per_page=100", None, None)
                        .await;
                    assert_eq!(reply.status, StatusCode::OK);
                    let count = reply.body["meta"]["pagination"]["count"].as_u64();
                    let data = reply.body["data"].as_array().map(|d| d.len() as u64);
                    assert_eq!(count, data);
                }
            });
        }
        let mut expected: BTreeMap<String, String> = [
            ("Farrell", "Doug"),
            ("Brockman", "Kent"),
            ("Easter", "Bunny"),
        ]
        .into_iter()
        .map(|(l, f)| (l.to_owned(), f.to_owned()))
        .collect();
        while let Some(model) = tasks.join_next().await {
            for (key, slot) in model.expect("a task panicked") {
                if let Slot::Live { fname, .. } = slot {
                    expected.insert(key, fname);
                }
            }
        }
        while let Some(done) = readers.join_next().await {
            done.expect("a reader panicked");
        }
        let stored: BTreeMap<String, String> = mock
            .people()
            .into_iter()
            .map(|p| (p.lname, p.fname))
            .collect();
        assert_eq!(stored, expected);
        assert_eq!(listed(&api).await, expected);
    })
    .await
    .expect("the workload finishes in time");
}

/// `n` writers send the same `If-Match` at once; returns their statuses.
async fn race(api: &Api, path: &str, etag: &str, writers: Vec<(Method, Value)>) -> Vec<StatusCode> {
    let barrier = Arc::new(Barrier::new(writers.len()));
    let mut set = JoinSet::new();
    for (i, (method, body)) in writers.into_iter().enumerate() {
        let (api, path, etag, barrier) = (
            api.clone(),
            path.to_owned(),
            etag.to_owned(),
            barrier.clone(),
        );
        set.spawn(async move {
            let content_type = if method == Method::PATCH {
                "application/merge-patch+json"
            } else {
                "application/json"
            };
            let body = (method != Method::DELETE).then_some((content_type, body));
            barrier.wait().await;
            let reply = api.send(method, &path, body, Some(&etag)).await;
            (i, reply.status)
        });
    }
    let mut statuses = vec![StatusCode::OK; set.len()];
    while let Some(done) = set.join_next().await {
        let (i, status) = done.expect("a writer panicked");
        statuses[i] = status;
    }
    statuses
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn writers_racing_with_one_if_match_have_exactly_one_winner() {
    timeout(BOUND, async {
        let mock = unlimited().start().await;
        let api = Api::new(&mock).await;
        let key = "Shared Ñame";
        let path = person_path(key);
        let body = json!({"fname": "Start", "lname": key});
        let created = api.create(body).await;
        assert_eq!(created.status, StatusCode::CREATED);
        for round in 0..RACE_ROUNDS {
            let current = api.send(Method::GET, &path, None, None).await;
            let etag = current.etag.expect("an ETag");
            let writers: Vec<(Method, Value)> = (0..2 + round % 5)
                .map(|i| {
                    let fname = format!("round {round} writer {i}");
                    if i % 2 == 0 {
                        (Method::PUT, json!({"fname": fname, "lname": key}))
                    } else {
                        (Method::PATCH, json!({"fname": fname}))
                    }
                })
                .collect();
            let statuses = race(&api, &path, &etag, writers).await;
            let winners: Vec<usize> = (0..statuses.len())
                .filter(|&i| statuses[i] == StatusCode::NO_CONTENT)
                .collect();
            assert_eq!(winners.len(), 1, "round {round}: {statuses:?}");
            assert!(
                statuses
                    .iter()
                    .all(|s| *s == StatusCode::NO_CONTENT || *s == StatusCode::PRECONDITION_FAILED),
                "round {round}: {statuses:?}"
            );
            // Nothing is lost: the winner's write is the one in place.
            let after = api.send(Method::GET, &path, None, None).await;
            let winner = format!("round {round} writer {}", winners[0]);
            assert_eq!(after.body["fname"], winner.as_str(), "round {round}");
            assert_eq!(mock.person(key).map(|p| p.fname), Some(winner));
        }

        // A delete racing a replacement with the same tag: one of them wins, never both.
        for round in 0..RACE_ROUNDS / 4 {
            let current = api.send(Method::GET, &path, None, None).await;
            let etag = current.etag.expect("an ETag");
            let fname = format!("survivor {round}");
            let writers = vec![
                (Method::DELETE, Value::Null),
                (Method::PUT, json!({"fname": fname, "lname": key})),
            ];
            let statuses = race(&api, &path, &etag, writers).await;
            match statuses.as_slice() {
                // The delete won: the replacement then finds the key gone (existence is
                // checked before If-Match).
                [StatusCode::NO_CONTENT, StatusCode::GONE] => {
                    assert_eq!(
                        api.send(Method::GET, &path, None, None).await.status,
                        StatusCode::GONE
                    );
                    let body = json!({"fname": "Back", "lname": key});
                    let again = api.create(body).await;
                    assert_eq!(again.status, StatusCode::CREATED);
                }
                [StatusCode::PRECONDITION_FAILED, StatusCode::NO_CONTENT] => {
                    assert_eq!(mock.person(key).map(|p| p.fname), Some(fname));
                }
                other => panic!("round {round}: delete and put both or neither won: {other:?}"),
            }
        }
    })
    .await
    .expect("the races finish in time");
}
