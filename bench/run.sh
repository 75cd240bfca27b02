#!/usr/bin/env bash
# Runs every benchmark of the People API v1 workspace and rewrites BENCHMARKS.md.
#
#   bench/run.sh
#
# Builds people-mock, people-bench and people (profile dist), installs wrk (Debian) when it
# is missing and the peers (Prism, json-server, pinned) into a temporary folder
# with npm, runs each row (comparisons alternate A B A B in this one run), and
# writes the figures to BENCHMARKS.md at the repository root. Every server it
# starts listens on 127.0.0.1 and is stopped on exit, by its recorded PID.
#
# Environment (optional):
#   BENCH_DURATION  seconds of each wrk run (default 10)
#   BENCH_ROUNDS    A/B rounds of the throughput comparisons (default 3)
#   BENCH_OUT       where to write the report (default BENCHMARKS.md at the root)
#   BENCH_PROFILE   the cargo profile every program is built with (default dist, what ships;
#                   release for a quicker build)
#   BENCH_PIN       1 (default on two or more CPUs): servers on CPU 0, wrk on CPU 1
#                   (taskset), so that the load generator does not take the servers' CPU;
#                   0: everything shares every CPU, as before pinning was introduced
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

DURATION=${BENCH_DURATION:-10}
ROUNDS=${BENCH_ROUNDS:-3}
OUT=${BENCH_OUT:-$ROOT/BENCHMARKS.md}
PROFILE=${BENCH_PROFILE:-dist}
PRISM_VERSION=5.14.2
JSON_SERVER_VERSION=0.17.4
# Pinning: every server (the mock, the limit, the peers) on CPU 0 and wrk on CPU 1, so that the
# ratio of two servers is not squeezed towards 1 by a load generator competing for their CPU.
# tokio sizes its runtime by the CPUs a process may use, so a pinned server runs one worker.
PIN=${BENCH_PIN:-1}
if [ "$PIN" = 1 ] && command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
    SERVER_CPU=(taskset -c 0)
    LOAD_CPU=(taskset -c 1)
    WRK_THREADS=1
    PINNING="servers pinned to CPU 0 and wrk to CPU 1 (\`taskset -c\`); each server runs one tokio worker"
else
    PIN=0
    SERVER_CPU=()
    LOAD_CPU=()
    WRK_THREADS=2
    PINNING="not pinned: wrk and the servers share every CPU (tokio's default of one worker per CPU)"
fi
WRK_ARGS=("-t$WRK_THREADS" -c32 "-d${DURATION}s")
# The mock's settings for load: a rate limit that never trips and no request
# log (the same for every row that measures throughput).
LOAD_FLAGS=(--rate-limit 4000000000 --rate-window 3600 --log-format off)

WORK=$(mktemp -d -t people-bench.XXXXXX)
PIDS=()
STARTED_AT=$(date -u +%Y-%m-%dT%H:%M:%SZ)
SECONDS=0

. "$ROOT/scripts/lib/mock-server.sh"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

stop_pid() {
    local pid=$1
    if kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        stop_pid "$pid"
    done
    stop_people_mock
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- tools -------------------------------------------------------------------

APT_UPDATED=0
apt_install() {
    if [ "$(id -u)" -ne 0 ]; then
        log "missing $*: install it (Debian: apt-get install $*) and run again"
        exit 1
    fi
    if [ "$APT_UPDATED" -eq 0 ]; then
        apt-get update -qq >&2
        APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}
command -v wrk >/dev/null || apt_install wrk
command -v jq >/dev/null || apt_install jq
command -v curl >/dev/null || apt_install curl
command -v npm >/dev/null || apt_install nodejs npm

# --- build -------------------------------------------------------------------

log "building people-mock, people-bench and people ($PROFILE profile)"
cargo build --profile "$PROFILE" --locked -p people-mock --bin people-mock >&2
. "$ROOT/scripts/lib/target-dir.sh"
mkdir -p "$WORK/bin"
# The mock is built on its own (its own feature set), as `cargo build -p people-mock` gives it.
cp "$TARGET_DIR/$PROFILE/people-mock" "$WORK/bin/people-mock"
cargo build --profile "$PROFILE" --locked -p people-bench --bin people-bench >&2
cp "$TARGET_DIR/$PROFILE/people-bench" "$WORK/bin/people-bench"
# The CLI is built for its size only (row 9), as shipped.
cargo build --profile "$PROFILE" --locked -p people-examples --bin people >&2
SIZE_MOCK=$(stat -c %s "$WORK/bin/people-mock")
SIZE_CLI=$(stat -c %s "$TARGET_DIR/$PROFILE/people")
# The SDK's normal dependency graph, each crate once (row 10).
SDK_CRATES=$(cargo tree --locked -p people-sdk -e normal --prefix none | sort -u | wc -l)
BENCH=$WORK/bin/people-bench
# start_people_mock runs a program by path: a wrapper that execs the mock on the servers' CPU
# (exec keeps the PID, so the recorded PID is the mock's).
MOCK=$WORK/bin/people-mock-pinned
printf '#!/bin/sh\nexec %s "%s" "$@"\n' "${SERVER_CPU[*]}" "$WORK/bin/people-mock" >"$MOCK"
chmod +x "$MOCK"

# --- peers -------------------------------------------------------------------

PEERS_OK=1
log "installing @stoplight/prism-cli@$PRISM_VERSION and json-server@$JSON_SERVER_VERSION with npm"
if ! npm install --prefix "$WORK/node" --no-audit --no-fund --no-save --loglevel=error \
    "@stoplight/prism-cli@$PRISM_VERSION" "json-server@$JSON_SERVER_VERSION" >"$WORK/npm.log" 2>&1; then
    log "npm install failed; row 2 is skipped (see the log below)"
    tail -20 "$WORK/npm.log" >&2 || true
    PEERS_OK=0
fi

# --- helpers -----------------------------------------------------------------

# A port below the kernel's ephemeral range (so no client socket holds it) that nothing listens on.
free_port() {
    local port low
    low=$(awk '{print $1}' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
    for _ in $(seq 1 200); do
        port=$((10000 + RANDOM % (low - 10000)))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return
        fi
    done
    log "no free port found"
    exit 1
}

# wait_http URL [PID]: until something answers on URL (any status), at most 60 s;
# fails at once when process PID has exited.
wait_http() {
    for _ in $(seq 1 600); do
        if [ "$(curl -s -o /dev/null -w '%{http_code}' "$1" || true)" != "000" ]; then
            return 0
        fi
        if [ -n "${2:-}" ] && ! kill -0 "$2" 2>/dev/null; then
            return 1
        fi
        sleep 0.1
    done
    log "nothing answers on $1"
    return 1
}

# start NAME CMD...: runs CMD in the background (its output in $WORK/NAME.*) and records its PID in LAST_PID.
start() {
    local name=$1
    shift
    "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
    LAST_PID=$!
    PIDS+=("$LAST_PID")
}

# start_mock NAME ARGS...: a people-mock on a free port (its output in $WORK/NAME.*); sets
# MOCK_URL (origin) and MOCK_PID.
start_mock() {
    local name=$1 port
    shift
    for _ in 1 2 3 4 5; do
        port=$(free_port)
        if start_people_mock "$MOCK" "$WORK/$name" --addr "127.0.0.1:$port" "$@"; then
            MOCK_PID=$PEOPLE_MOCK_PID
            MOCK_URL=$PEOPLE_MOCK_ORIGIN
            return 0
        fi
        log "people-mock ($name) did not start: $(tail -3 "$WORK/$name.err" | tr '\n' ' ')"
    done
    exit 1
}

token() {
    curl -sf -u demo-client:demo-secret -d grant_type=client_credentials \
        "$1/api/v1/oauth/token" | jq -r .access_token
}

status_kib() { awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status"; }

PROBLEMS=()
# wrk_run LABEL URL TOKEN [DURATION]: one wrk run (output kept); sets RPS and REQUESTS.
WRK_N=0
wrk_run() {
    local label=$1 url=$2 tok=$3 duration=${4:-$DURATION} file
    WRK_N=$((WRK_N + 1))
    file="$WORK/wrk-$WRK_N-$label.txt"
    "${LOAD_CPU[@]}" wrk "-t$WRK_THREADS" -c32 "-d${duration}s" -H "Authorization: Bearer $tok" "$url" >"$file" 2>&1 || true
    if grep -q "Non-2xx" "$file"; then
        PROBLEMS+=("$label: $(grep Non-2xx "$file" | xargs)")
    fi
    if grep -q "Socket errors" "$file"; then
        PROBLEMS+=("$label: $(grep 'Socket errors' "$file" | xargs)")
    fi
    RPS=$(awk '/^Requests\/sec/ {print $2; found=1} END {if (!found) print 0}' "$file")
    REQUESTS=$(awk '/requests in/ {print $1; found=1} END {if (!found) print 0}' "$file")
}

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {if (NR == 0) print 0; else if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b == 0) print "n/a"; else printf "%.2f", a/b}'; }
fmt0() { awk -v a="$1" 'BEGIN {printf "%.0f", a}'; }
fmt2() { awk -v a="$1" 'BEGIN {printf "%.2f", a}'; }
mib() { awk -v k="$1" 'BEGIN {printf "%.1f", k/1024}'; }
# met VALUE OP LIMIT: "met" or "NOT met".
met() { awk -v a="$1" -v b="$3" -v op="$2" 'BEGIN {ok = (op == ">=") ? (a >= b) : (a <= b); print (ok ? "met" : "**NOT met**")}'; }
# verdict PREFIX VALUE OP LIMIT: as met, but "NOT met" whenever a wrk run whose label starts with
# PREFIX had socket errors or non-2xx answers (such a figure is not a valid measurement).
verdict() {
    local prefix=$1 problem
    shift
    for problem in ${PROBLEMS[@]+"${PROBLEMS[@]}"}; do
        case $problem in
        "$prefix"*)
            echo "**NOT met** (wrk errors)"
            return
            ;;
        esac
    done
    met "$@"
}
join() { printf '%s / ' "$@" | sed 's| / $||'; }

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
OTHERS=$(ps -eo pid=,comm= | awk '$2 ~ /^(cargo|rustc)$/' | wc -l)
if awk -v l="${LOAD_BEFORE%% *}" 'BEGIN {exit !(l > 1.0)}'; then
    log "warning: load average $LOAD_BEFORE; figures may be disturbed"
fi

# --- rows 1 and 3: the mock against the limit ----------------------------------------

log "rows 1 and 3: people-mock against the bare axum limit"
start_mock row1 "${LOAD_FLAGS[@]}"
M1_URL=$MOCK_URL
start_mock row3 --people 9997 "${LOAD_FLAGS[@]}"
M3_URL=$MOCK_URL
LIMIT_PORT=$(free_port)
start limit "${SERVER_CPU[@]}" "$BENCH" limit --addr "127.0.0.1:$LIMIT_PORT" \
    --fetch "$M1_URL/api/v1/people/Farrell" --fetch "$M3_URL/api/v1/people?per_page=20"
L_URL="http://127.0.0.1:$LIMIT_PORT"
wait_http "$L_URL/api/v1/people/Farrell" "$LAST_PID" || { cat "$WORK/limit.err" >&2; exit 1; }
T1=$(token "$M1_URL")
T3=$(token "$M3_URL")
ONE_PATH=/api/v1/people/Farrell
PAGE_PATH='/api/v1/people?per_page=20'
# Warm-up, not counted.
wrk_run warmup "$M1_URL$ONE_PATH" "$T1" 2
wrk_run warmup "$L_URL$ONE_PATH" "$T1" 2
wrk_run warmup "$M3_URL$PAGE_PATH" "$T3" 2
wrk_run warmup "$L_URL$PAGE_PATH" "$T3" 2
R1_MOCK=() R1_LIMIT=() R3_MOCK=() R3_LIMIT=()
for round in $(seq 1 "$ROUNDS"); do
    wrk_run row1-mock "$M1_URL$ONE_PATH" "$T1"
    R1_MOCK+=("$RPS")
    wrk_run row1-limit "$L_URL$ONE_PATH" "$T1"
    R1_LIMIT+=("$RPS")
    log "row 1 round $round: mock ${R1_MOCK[-1]} req/s, limit ${R1_LIMIT[-1]} req/s"
done
for round in $(seq 1 "$ROUNDS"); do
    wrk_run row3-mock "$M3_URL$PAGE_PATH" "$T3"
    R3_MOCK+=("$RPS")
    wrk_run row3-limit "$L_URL$PAGE_PATH" "$T3"
    R3_LIMIT+=("$RPS")
    log "row 3 round $round: mock ${R3_MOCK[-1]} req/s, limit ${R3_LIMIT[-1]} req/s"
done
R1_MOCK_MED=$(median "${R1_MOCK[@]}")
R1_LIMIT_MED=$(median "${R1_LIMIT[@]}")
R1_RATIO=$(ratio "$R1_MOCK_MED" "$R1_LIMIT_MED")
R3_MOCK_MED=$(median "${R3_MOCK[@]}")
R3_LIMIT_MED=$(median "${R3_LIMIT[@]}")
R3_RATIO=$(ratio "$R3_MOCK_MED" "$R3_LIMIT_MED")

# Row 1d: the same request to a mock in its default configuration (request log on, written to a
# file as start_people_mock keeps it) but for the rate limit, raised so that no request is refused.
start_mock row1d --rate-limit 4000000000 --rate-window 3600
M1D_URL=$MOCK_URL
M1D_PID=$MOCK_PID
T1D=$(token "$M1D_URL")
wrk_run warmup "$M1D_URL$ONE_PATH" "$T1D" 2
R1D_MOCK=() R1D_LIMIT=()
for round in $(seq 1 "$ROUNDS"); do
    wrk_run row1d-mock "$M1D_URL$ONE_PATH" "$T1D"
    R1D_MOCK+=("$RPS")
    wrk_run row1d-limit "$L_URL$ONE_PATH" "$T1"
    R1D_LIMIT+=("$RPS")
    log "row 1d round $round: mock (default log) ${R1D_MOCK[-1]} req/s, limit ${R1D_LIMIT[-1]} req/s"
done
R1D_MOCK_MED=$(median "${R1D_MOCK[@]}")
R1D_LIMIT_MED=$(median "${R1D_LIMIT[@]}")
R1D_RATIO=$(ratio "$R1D_MOCK_MED" "$R1D_LIMIT_MED")
R1D_LOG_LINES=$(grep -c 'people_mock::request' "$WORK/row1d.err" || true)

# --- row 2: the mock against Prism and json-server ------------------------------------

R2_DONE=0
if [ "$PEERS_OK" -eq 1 ]; then
    log "row 2: people-mock against Prism and json-server"
    PRISM_PORT=$(free_port)
    start prism "${SERVER_CPU[@]}" "$WORK/node/node_modules/.bin/prism" mock -h 127.0.0.1 -p "$PRISM_PORT" "$ROOT/spec/people.yaml"
    PRISM_PID=$LAST_PID
    mkdir -p "$WORK/json-server"
    cat >"$WORK/json-server/db.json" <<'EOF'
{
  "people": [
    {"fname": "Doug", "lname": "Farrell", "timestamp": "2026-01-01T00:00:00.000000Z"},
    {"fname": "Kent", "lname": "Brockman", "timestamp": "2026-01-01T00:00:00.000001Z"},
    {"fname": "Bunny", "lname": "Easter", "timestamp": "2026-01-01T00:00:00.000002Z"}
  ]
}
EOF
    echo '{"/api/v1/*": "/$1"}' >"$WORK/json-server/routes.json"
    JS_PORT=$(free_port)
    start json-server "${SERVER_CPU[@]}" "$WORK/node/node_modules/.bin/json-server" "$WORK/json-server/db.json" \
        --host 127.0.0.1 --port "$JS_PORT" --id lname --routes "$WORK/json-server/routes.json"
    JS_PID=$LAST_PID
    # Prism serves the spec's paths without the server's /api/v1 prefix.
    P_URL="http://127.0.0.1:$PRISM_PORT/people/Farrell"
    J_URL="http://127.0.0.1:$JS_PORT/api/v1/people/Farrell"
    if wait_http "$P_URL" "$PRISM_PID" && wait_http "$J_URL" "$JS_PID" &&
        [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $T1" "$P_URL")" = 200 ] &&
        [ "$(curl -s -o /dev/null -w '%{http_code}' "$J_URL")" = 200 ]; then
        wrk_run warmup "$P_URL" "$T1" 2
        wrk_run warmup "$J_URL" "$T1" 2
        R2_MOCK=() R2_PRISM=() R2_JS=()
        for round in 1 2; do
            wrk_run row2-mock "$M1D_URL$ONE_PATH" "$T1D"
            R2_MOCK+=("$RPS")
            wrk_run row2-prism "$P_URL" "$T1"
            R2_PRISM+=("$RPS")
            wrk_run row2-json-server "$J_URL" "$T1"
            R2_JS+=("$RPS")
            log "row 2 round $round: mock ${R2_MOCK[-1]}, Prism ${R2_PRISM[-1]}, json-server ${R2_JS[-1]} req/s"
        done
        R2_MOCK_MED=$(median "${R2_MOCK[@]}")
        R2_PRISM_MED=$(median "${R2_PRISM[@]}")
        R2_JS_MED=$(median "${R2_JS[@]}")
        R2_PRISM_RATIO=$(ratio "$R2_MOCK_MED" "$R2_PRISM_MED")
        R2_JS_RATIO=$(ratio "$R2_MOCK_MED" "$R2_JS_MED")
        R2_DONE=1
    else
        log "a peer does not answer 200 on its route; row 2 is skipped"
    fi
    stop_pid "$PRISM_PID"
    stop_pid "$JS_PID"
fi
stop_people_mock "$M1D_PID"

# --- rows 4, 5 and 6: in process ------------------------------------------------------

log "row 4: start to first answer, 500 starts"
R4=$("$BENCH" startup --samples 500)
log "row 5: SDK get against reqwest + serde_json"
R5=$("$BENCH" sdk-get --calls 500 --rounds 40)
log "row 6: streaming 10,000 people with a 5 ms delay"
R6=$("$BENCH" stream --people 9997 --per-page 100 --delay-ms 5 --read-ahead 4 --rounds 3)

log "criterion cross-check of rows 4 and 5"
CRITERION_OK=1
if cargo bench --locked -p people-bench --bench in_process -- \
    --warm-up-time 1 --measurement-time 3 --noplot >"$WORK/criterion.txt" 2>&1; then
    crit() { jq -r '.median.point_estimate' "$TARGET_DIR/criterion/$1/new/estimates.json" 2>/dev/null || echo 0; }
    C_START_US=$(awk -v ns="$(crit startup/start_to_first_request)" 'BEGIN {printf "%.1f", ns/1000}')
    C_SDK_US=$(awk -v ns="$(crit get/sdk)" 'BEGIN {printf "%.1f", ns/1000}')
    C_RAW_US=$(awk -v ns="$(crit get/raw_reqwest)" 'BEGIN {printf "%.1f", ns/1000}')
    C_RATIO=$(ratio "$C_SDK_US" "$C_RAW_US")
else
    CRITERION_OK=0
    tail -20 "$WORK/criterion.txt" >&2 || true
fi

# --- row 7: uploads of 256 MiB from disk ----------------------------------------------

log "row 7: 256 MiB uploads"
UPLOAD_FILE=$WORK/upload.png
"$BENCH" make-file --path "$UPLOAD_FILE" --mib 256
FILE_KIB=$(($(stat -c %s "$UPLOAD_FILE") / 1024))
R7=()
for kind in photo attachment; do
    start_mock "row7-$kind" --photo-limit 300000000 --attachment-limit 300000000 \
        --attachment-request-limit 300000000 --log-format off
    idle=$(status_kib "$MOCK_PID" VmRSS)
    result=$("$BENCH" upload --base-url "$MOCK_URL/api/v1/" --kind "$kind" --file "$UPLOAD_FILE")
    mock_hwm=$(status_kib "$MOCK_PID" VmHWM)
    stop_people_mock "$MOCK_PID"
    R7+=("$kind $(jq -r '[.mb_per_s, .client_vmhwm_kib, .secs] | @tsv' <<<"$result") $idle $mock_hwm")
done

# --- row 8: memory with 100,000 people ------------------------------------------------

log "row 8: RSS with 100,000 people, then after 1,000,000 requests (journal off)"
start_mock row8 --people 99997 --journal 0 "${LOAD_FLAGS[@]}"
M8_PID=$MOCK_PID
sleep 1
R8_START=$(status_kib "$M8_PID" VmRSS)
T8=$(token "$MOCK_URL")
R8_DONE=0
R8_FIRST_CHUNK=""
while [ "$R8_DONE" -lt 1000000 ]; do
    wrk_run row8 "$MOCK_URL$ONE_PATH" "$T8" 5
    if [ "$REQUESTS" -eq 0 ]; then
        PROBLEMS+=("row8: wrk completed no request")
        break
    fi
    R8_DONE=$((R8_DONE + REQUESTS))
    [ -n "$R8_FIRST_CHUNK" ] || R8_FIRST_CHUNK=$(status_kib "$M8_PID" VmRSS)
done
R8_END=$(status_kib "$M8_PID" VmRSS)
R8_HWM=$(status_kib "$M8_PID" VmHWM)
stop_people_mock "$M8_PID"
R8_GROWTH=$(awk -v a="$R8_START" -v b="$R8_END" 'BEGIN {printf "%.1f", (b - a) * 100 / a}')
R8_GROWTH_WARM=$(awk -v a="$R8_FIRST_CHUNK" -v b="$R8_END" 'BEGIN {printf "%.1f", (b - a) * 100 / a}')

# --- rows 11 and 12: durable state (--state DIR) --------------------------------------

# POST /people of a new person each request (lname PREFIX1, PREFIX2, ...): every answer a 201.
cat >"$WORK/post.lua" <<'EOF'
local n = 0
local prefix = os.getenv("BENCH_LNAME_PREFIX") or "W"
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
    n = n + 1
    return wrk.format(nil, nil, nil, '{"fname":"Bench","lname":"' .. prefix .. n .. '"}')
end
EOF
# wrk_post LABEL URL TOKEN PREFIX: as wrk_run, with post.lua; sets RPS.
wrk_post() {
    local label=$1 url=$2 tok=$3 prefix=$4 file
    WRK_N=$((WRK_N + 1))
    file="$WORK/wrk-$WRK_N-$label.txt"
    BENCH_LNAME_PREFIX=$prefix "${LOAD_CPU[@]}" wrk "-t$WRK_THREADS" -c32 "-d${DURATION}s" \
        -s "$WORK/post.lua" -H "Authorization: Bearer $tok" "$url" >"$file" 2>&1 || true
    if grep -q "Non-2xx" "$file"; then
        PROBLEMS+=("$label: $(grep Non-2xx "$file" | xargs)")
    fi
    if grep -q "Socket errors" "$file"; then
        PROBLEMS+=("$label: $(grep 'Socket errors' "$file" | xargs)")
    fi
    RPS=$(awk '/^Requests\/sec/ {print $2; found=1} END {if (!found) print 0}' "$file")
}

log "row 11: POST /people in memory vs with --state; row 11g: GET with --state"
start_mock row11-memory "${LOAD_FLAGS[@]}"
M11_URL=$MOCK_URL
M11_PID=$MOCK_PID
start_mock row11-state --state "$WORK/state11" "${LOAD_FLAGS[@]}"
S11_URL=$MOCK_URL
S11_PID=$MOCK_PID
T11=$(token "$M11_URL")
T11S=$(token "$S11_URL")
wrk_post warmup "$M11_URL/api/v1/people" "$T11" Warm
wrk_post warmup "$S11_URL/api/v1/people" "$T11S" Warm
R11_MEM=() R11_STATE=() R11G_MEM=() R11G_STATE=()
for round in $(seq 1 "$ROUNDS"); do
    wrk_post row11-memory "$M11_URL/api/v1/people" "$T11" "Mem$round"
    R11_MEM+=("$RPS")
    wrk_post row11-state "$S11_URL/api/v1/people" "$T11S" "Disk$round"
    R11_STATE+=("$RPS")
    log "row 11 round $round: memory ${R11_MEM[-1]} writes/s, --state ${R11_STATE[-1]} writes/s"
done
for round in $(seq 1 "$ROUNDS"); do
    wrk_run row11g-memory "$M11_URL$ONE_PATH" "$T11"
    R11G_MEM+=("$RPS")
    wrk_run row11g-state "$S11_URL$ONE_PATH" "$T11S"
    R11G_STATE+=("$RPS")
    log "row 11g round $round: memory ${R11G_MEM[-1]} req/s, --state ${R11G_STATE[-1]} req/s"
done
stop_people_mock "$M11_PID" "$S11_PID"
R11_MEM_MED=$(median "${R11_MEM[@]}")
R11_STATE_MED=$(median "${R11_STATE[@]}")
R11_RATIO=$(ratio "$R11_STATE_MED" "$R11_MEM_MED")
R11G_MEM_MED=$(median "${R11G_MEM[@]}")
R11G_STATE_MED=$(median "${R11G_STATE[@]}")
R11G_RATIO=$(ratio "$R11G_STATE_MED" "$R11G_MEM_MED")

log "row 12: start-up with 100,000 people in the state directory"
# The first start seeds 3 + 99,997 people and writes them; SIGTERM closes the file.
start_mock row12-seed --state "$WORK/state12" --people 99997 "${LOAD_FLAGS[@]}"
stop_people_mock "$MOCK_PID"
R12_MS=() R12_HWM=()
for sample in 1 2 3 4 5; do
    t0=$(date +%s%N)
    "$MOCK" --addr 127.0.0.1:0 --state "$WORK/state12" "${LOAD_FLAGS[@]}" \
        >"$WORK/row12-$sample.out" 2>"$WORK/row12-$sample.err" &
    pid=$!
    PIDS+=("$pid")
    # The banner is printed once every person is loaded and the socket listens.
    until grep -q '^people-mock listening on' "$WORK/row12-$sample.out" 2>/dev/null; do
        kill -0 "$pid" 2>/dev/null || { cat "$WORK/row12-$sample.err" >&2; exit 1; }
        sleep 0.005
    done
    t1=$(date +%s%N)
    R12_MS+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.0f", (b - a) / 1e6}')")
    R12_HWM+=("$(status_kib "$pid" VmHWM)")
    origin=$(sed -n 's|^people-mock listening on \(http://[^/]*\)/.*|\1|p' "$WORK/row12-$sample.out")
    R12_PEOPLE=$(curl -s "$origin/__mock/people" | jq '.data | length')
    stop_pid "$pid"
done
R12_MED=$(median "${R12_MS[@]}")
R12_HWM_MED=$(median "${R12_HWM[@]}")
R12_FILE_KIB=$(($(stat -c %s "$WORK/state12/people.redb") / 1024))

LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# --- the report -----------------------------------------------------------------------

log "writing $OUT"
j() { jq -r "$2" <<<"$1"; }
R4_MED_MS=$(fmt2 "$(j "$R4" '.median_ms')")
R4_P90_MS=$(fmt2 "$(j "$R4" '.p90_ms')")
R5_SDK=$(fmt2 "$(j "$R5" '.sdk_median_us')")
R5_RAW=$(fmt2 "$(j "$R5" '.raw_median_us')")
R5_RATIO=$(fmt2 "$(j "$R5" '.ratio')")
R5_P25=$(fmt2 "$(j "$R5" '.ratio_p25')")
R5_P75=$(fmt2 "$(j "$R5" '.ratio_p75')")
R5_RATIO_OF_MEDIANS=$(fmt2 "$(j "$R5" '.ratio_of_medians')")
R6_AHEAD=$(fmt0 "$(j "$R6" '.read_ahead_median_ms')")
R6_SINGLE=$(fmt0 "$(j "$R6" '.single_median_ms')")
R6_SPEEDUP=$(fmt2 "$(j "$R6" '.speedup')")

read -r _ P_MBS P_CLIENT P_SECS P_IDLE P_MOCK <<<"${R7[0]}"
read -r _ A_MBS A_CLIENT A_SECS A_IDLE A_MOCK <<<"${R7[1]}"
MOCK_LIMIT_KIB=$((FILE_KIB + 32 * 1024))

CPU=$(lscpu | awk -F: '/^Model name/ {gsub(/^ +/, "", $2); print $2; exit}')
MEM=$(free -h | awk '/^Mem:/ {print $2}')

{
    echo "# Benchmarks"
    echo
    echo "Generated by \`bench/run.sh\` on $STARTED_AT in ${SECONDS} s. Every figure below comes from"
    echo "this one run; comparisons alternate A B A B and report medians. Reproduce with \`bench/run.sh\`"
    echo "(\`BENCH_DURATION\` and \`BENCH_ROUNDS\` change the wrk duration and the rounds)."
    echo
    echo "## Machine"
    echo
    echo "| | |"
    echo "|---|---|"
    echo "| CPUs (\`nproc\`) | $(nproc) |"
    echo "| CPU (\`lscpu\`) | $CPU |"
    echo "| memory (\`free -h\`) | $MEM |"
    echo "| kernel | $(uname -sr) |"
    echo "| toolchain | $(rustc --version) |"
    echo "| load generator | $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2) |"
    echo "| Node | $(node --version 2>/dev/null || echo none) |"
    echo "| load average before / after | $LOAD_BEFORE / $LOAD_AFTER |"
    echo "| cargo or rustc processes of others at start | $OTHERS |"
    echo
    echo "CPUs: $PINNING. A row whose wrk runs had socket errors or non-2xx answers is"
    echo "\"NOT met\" whatever its figure (the warnings are listed under the summary)."
    echo
    echo "## Summary"
    echo
    echo "| # | what | result | target | |"
    echo "|---|---|---|---|---|"
    echo "| 1 | \`GET /api/v1/people/Farrell\`, mock vs bare axum | $(fmt0 "$R1_MOCK_MED") vs $(fmt0 "$R1_LIMIT_MED") req/s = **${R1_RATIO}×** | ≥ 0.7× | $(verdict row1- "$R1_RATIO" ">=" 0.7) |"
    echo "| 1d | row 1 with the mock's defaults (request log on) | $(fmt0 "$R1D_MOCK_MED") vs $(fmt0 "$R1D_LIMIT_MED") req/s = **${R1D_RATIO}×** | ≥ 0.7× | $(verdict row1d- "$R1D_RATIO" ">=" 0.7) |"
    if [ "$R2_DONE" -eq 1 ]; then
        echo "| 2 | same request, mock vs Prism $PRISM_VERSION / json-server $JSON_SERVER_VERSION | $(fmt0 "$R2_MOCK_MED") vs $(fmt0 "$R2_PRISM_MED") / $(fmt0 "$R2_JS_MED") req/s = **${R2_PRISM_RATIO}×** / **${R2_JS_RATIO}×** | ≥ 20× each | $(verdict row2- "$(awk -v a="$R2_PRISM_RATIO" -v b="$R2_JS_RATIO" 'BEGIN {print (a < b ? a : b)}')" ">=" 20) |"
    else
        echo "| 2 | same request, mock vs Prism / json-server | not run (the peers could not be installed or did not answer) | ≥ 20× each | not measured |"
    fi
    echo "| 3 | \`GET /api/v1/people?per_page=20\` of 10,000, mock vs bare axum | $(fmt0 "$R3_MOCK_MED") vs $(fmt0 "$R3_LIMIT_MED") req/s = **${R3_RATIO}×** | ≥ 0.7× | $(verdict row3- "$R3_RATIO" ">=" 0.7) |"
    echo "| 4 | \`PeopleMock::start()\` to first answer, median of 500 | **$R4_MED_MS ms** (p90 $R4_P90_MS ms) | ≤ 2 ms | $(met "$R4_MED_MS" "<=" 2) |"
    echo "| 5 | SDK \`get\` vs reqwest + serde_json, 40 rounds of 500 calls a side | $R5_SDK vs $R5_RAW µs/call; median ratio **${R5_RATIO}×** | ≤ 1.05× | $(met "$R5_RATIO" "<=" 1.05) |"
    echo "| 6 | stream 10,000 people, \`per_page=100\`, 5 ms delay: read-ahead 4 vs 1 | $R6_AHEAD vs $R6_SINGLE ms = **${R6_SPEEDUP}× faster** | ≥ 3× | $(met "$R6_SPEEDUP" ">=" 3) |"
    echo "| 7a | photo upload, 256 MiB from disk | client peak **$(mib "$P_CLIENT") MiB**, mock peak **$(mib "$P_MOCK") MiB**, $(fmt0 "$P_MBS") MB/s | client ≤ 32 MiB; mock ≤ $(mib "$MOCK_LIMIT_KIB") MiB | $(met "$P_CLIENT" "<=" 32768), $(met "$P_MOCK" "<=" "$MOCK_LIMIT_KIB") |"
    echo "| 7b | attachment upload, 256 MiB from disk | client peak **$(mib "$A_CLIENT") MiB**, mock peak **$(mib "$A_MOCK") MiB**, $(fmt0 "$A_MBS") MB/s | client ≤ 32 MiB; mock ≤ $(mib "$MOCK_LIMIT_KIB") MiB | $(met "$A_CLIENT" "<=" 32768), $(met "$A_MOCK" "<=" "$MOCK_LIMIT_KIB") |"
    echo "| 8 | mock RSS holding 100,000 people; after $R8_DONE requests, journal off | **$(mib "$R8_START") MiB**; **$(mib "$R8_END") MiB** (growth **${R8_GROWTH}%**) | ≤ 64 MiB; growth ≤ 10% | $(met "$R8_START" "<=" 65536), $(verdict row8 "$R8_GROWTH" "<=" 10) |"
    echo "| 9 | binaries of the \`$PROFILE\` profile: people-mock, people | **$(awk -v b="$SIZE_MOCK" 'BEGIN {printf "%.1f", b / 1e6}') MB**, **$(awk -v b="$SIZE_CLI" 'BEGIN {printf "%.1f", b / 1e6}') MB** | ≤ 8 MB; ≤ 16 MB | $(met "$SIZE_MOCK" "<=" 8000000), $(met "$SIZE_CLI" "<=" 16000000) |"
    echo "| 11 | \`POST /api/v1/people\` writes, \`--state DIR\` vs in memory | $(fmt0 "$R11_STATE_MED") vs $(fmt0 "$R11_MEM_MED") writes/s = **${R11_RATIO}×** | ≥ 0.25× | $(verdict row11- "$R11_RATIO" ">=" 0.25) |"
    echo "| 11g | row 1's GET, \`--state DIR\` vs in memory | $(fmt0 "$R11G_STATE_MED") vs $(fmt0 "$R11G_MEM_MED") req/s = **${R11G_RATIO}×** | ≥ 0.95× | $(verdict row11g- "$R11G_RATIO" ">=" 0.95) |"
    echo "| 12 | start-up with $R12_PEOPLE people in \`--state DIR\`, to the banner, median of 5; its peak RSS | **$R12_MED ms**; **$(mib "$R12_HWM_MED") MiB** | ≤ 1000 ms | $(met "$R12_MED" "<=" 1000) |"
    echo "| 10 | crates in people-sdk's normal dependency graph (\`cargo tree -p people-sdk -e normal --prefix none \| sort -u \| wc -l\`) | **$SDK_CRATES** | < 145 (0.1.0) | $(met "$SDK_CRATES" "<=" 144) |"
    echo
    if [ "${#PROBLEMS[@]}" -gt 0 ]; then
        echo "Warnings from wrk (a run with errors or non-2xx answers is not a valid figure):"
        echo
        printf -- '- %s\n' "${PROBLEMS[@]}"
        echo
    fi
    echo "## Rows in detail"
    echo
    echo "Mock settings for throughput (rows 1, 3 and 8): \`people-mock ${LOAD_FLAGS[*]}\`: the"
    echo "rate limit raised so that no request is refused, the request log off; the journal keeps"
    echo "its default (1000 entries) except in row 8. Rows 1d and 2 run the mock with its defaults"
    echo "(request log on, written to a file) but for the rate limit. The limit is \`people-bench limit\`: a bare"
    echo "axum handler (\`axum::serve\`, no authentication, no state) answering the exact status,"
    echo "headers and body the mock answered to the same URL, fetched once at its start."
    echo
    echo "### 1. One person, mock vs the limit"
    echo
    echo '```'
    echo "people-mock --addr 127.0.0.1:PORT ${LOAD_FLAGS[*]}"
    echo "people-bench limit --addr 127.0.0.1:PORT --fetch http://127.0.0.1:MOCK/api/v1/people/Farrell ..."
    echo "wrk ${WRK_ARGS[*]} -H 'Authorization: Bearer TOKEN' http://127.0.0.1:PORT/api/v1/people/Farrell"
    echo '```'
    echo
    echo "- mock, req/s by round: $(join "${R1_MOCK[@]}"); median $(fmt0 "$R1_MOCK_MED")"
    echo "- limit, req/s by round: $(join "${R1_LIMIT[@]}"); median $(fmt0 "$R1_LIMIT_MED")"
    echo "- ratio of the medians: ${R1_RATIO}×"
    echo
    echo "### 1d. One person, the mock's defaults vs the limit"
    echo
    echo '```'
    echo "people-mock --addr 127.0.0.1:PORT --rate-limit 4000000000 --rate-window 3600   # request log on (stderr to a file)"
    echo '```'
    echo
    echo "The mock's default request log writes one line per request on standard error, formatted on"
    echo "the worker and written by a thread of its own through a buffer (\`tracing-appender\`'s"
    echo "non-blocking writer, not lossy). The run wrote $R1D_LOG_LINES log lines."
    echo
    echo "- mock, req/s by round: $(join "${R1D_MOCK[@]}"); median $(fmt0 "$R1D_MOCK_MED")"
    echo "- limit, req/s by round: $(join "${R1D_LIMIT[@]}"); median $(fmt0 "$R1D_LIMIT_MED")"
    echo "- ratio of the medians: ${R1D_RATIO}×"
    echo
    echo "### 2. One person, mock vs the peers"
    echo
    if [ "$R2_DONE" -eq 1 ]; then
        echo '```'
        echo "npm install @stoplight/prism-cli@$PRISM_VERSION json-server@$JSON_SERVER_VERSION   # into a temporary folder"
        echo "prism mock -h 127.0.0.1 -p PORT spec/people.yaml            # GET /people/Farrell (Prism drops the /api/v1 server path)"
        echo "json-server db.json --host 127.0.0.1 --port PORT --id lname --routes routes.json"
        echo "                                                           # the three seed people; routes.json: {\"/api/v1/*\": \"/\$1\"}"
        echo "wrk ${WRK_ARGS[*]} -H 'Authorization: Bearer TOKEN' URL"
        echo '```'
        echo
        echo "Logging matched: each of the three runs with its default request log on (the mock as in"
        echo "row 1d, Prism's and json-server's own per-request lines), each written to a file."
        echo
        echo "- mock, req/s by round: $(join "${R2_MOCK[@]}"); median $(fmt0 "$R2_MOCK_MED")"
        echo "- Prism, req/s by round: $(join "${R2_PRISM[@]}"); median $(fmt0 "$R2_PRISM_MED"); ratio ${R2_PRISM_RATIO}×"
        echo "- json-server, req/s by round: $(join "${R2_JS[@]}"); median $(fmt0 "$R2_JS_MED"); ratio ${R2_JS_RATIO}×"
    else
        echo "Not run in this run: the peers could not be installed from npm or did not answer."
    fi
    echo
    echo "### 3. A page of 20 out of 10,000, mock vs the limit"
    echo
    echo '```'
    echo "people-mock --addr 127.0.0.1:PORT --people 9997 ${LOAD_FLAGS[*]}   # 3 seeds + 9,997 = 10,000"
    echo "wrk ${WRK_ARGS[*]} -H 'Authorization: Bearer TOKEN' 'http://127.0.0.1:PORT/api/v1/people?per_page=20'"
    echo '```'
    echo
    echo "- mock, req/s by round: $(join "${R3_MOCK[@]}"); median $(fmt0 "$R3_MOCK_MED")"
    echo "- limit, req/s by round: $(join "${R3_LIMIT[@]}"); median $(fmt0 "$R3_LIMIT_MED")"
    echo "- ratio of the medians: ${R3_RATIO}×"
    echo
    echo "wrk asks for one URL again and again, and the mock renders a page once per query and store"
    echo "generation: the first request renders it, the rest are answered from the page cache until"
    echo "a write (\`mock-server/src/page_cache.rs\`). A client that walks many pages, or writes between"
    echo "reads, gets pages rendered each time, as \`bench/PROFILE.md\` counts them."
    echo
    echo "### 4. Start-up"
    echo
    echo '```'
    echo "people-bench startup --samples 500"
    echo '```'
    echo
    echo "From \`PeopleMock::start().await\` (every default) to the end of the first \`200\` answer to"
    echo "\`GET /__mock/\` over a new connection, on a current-thread runtime; 20 unmeasured starts"
    echo "first. Median $R4_MED_MS ms, p10 $(fmt2 "$(j "$R4" '.p10_ms')") ms, p90 $R4_P90_MS ms, max $(fmt2 "$(j "$R4" '.max_ms')") ms."
    if [ "$CRITERION_OK" -eq 1 ]; then
        echo "Criterion (\`cargo bench -p people-bench --bench in_process\`, \`startup/start_to_first_request\`): median ${C_START_US} µs."
    fi
    echo
    echo "### 5. SDK overhead"
    echo
    echo '```'
    echo "people-bench sdk-get --calls 500 --rounds 40"
    echo '```'
    echo
    echo "One in-process mock (rate limit raised), one process: \`client.person(\"Farrell\").get()\`"
    echo "against \`reqwest\` GET with the bearer token, a status check, the \`ETag\` and"
    echo "\`serde_json::from_slice\` into a struct. 40 rounds, each of 500 sequential calls per side,"
    echo "the side that goes first alternating from round to round; each round gives a ratio, so a"
    echo "burst of load from elsewhere lands on both sides of it."
    echo
    echo "- SDK, µs/call: median $R5_SDK (rounds $(j "$R5" '[.sdk_us[] | . * 10 | round / 10] | join(" ")'))"
    echo "- raw, µs/call: median $R5_RAW (rounds $(j "$R5" '[.raw_us[] | . * 10 | round / 10] | join(" ")'))"
    echo "- SDK / raw, median of the rounds' ratios: ${R5_RATIO}× (quartiles ${R5_P25}× and ${R5_P75}×); ratio of the medians ${R5_RATIO_OF_MEDIANS}×"
    if [ "$CRITERION_OK" -eq 1 ]; then
        echo "- criterion (\`get/sdk\`, \`get/raw_reqwest\`): $C_SDK_US vs $C_RAW_US µs/call = ${C_RATIO}×"
    fi
    echo
    echo "### 6. Streaming with read-ahead"
    echo
    echo '```'
    echo "people-bench stream --people 9997 --per-page 100 --delay-ms 5 --read-ahead 4 --rounds 3"
    echo '```'
    echo
    echo "An in-process mock with 10,000 people and \`Fault::delay(5 ms)\` on every \`GET /api/v1/people\`;"
    echo "\`client.people().list().per_page(100).read_ahead(n).collect_all()\`, checked to return all 10,000."
    echo
    echo "- read-ahead 4, ms by round: $(j "$R6" '[.read_ahead_ms[] | round] | join(" / ")'); median $R6_AHEAD"
    echo "- one page at a time, ms by round: $(j "$R6" '[.single_ms[] | round] | join(" / ")'); median $R6_SINGLE"
    echo "- speed-up: ${R6_SPEEDUP}×"
    echo
    echo "### 7. Uploads of 256 MiB"
    echo
    echo '```'
    echo "people-bench make-file --path upload.png --mib 256"
    echo "people-mock --addr 127.0.0.1:PORT --photo-limit 300000000 --attachment-limit 300000000 --attachment-request-limit 300000000 --log-format off"
    echo "people-bench upload --base-url http://127.0.0.1:PORT/api/v1/ --kind photo|attachment --file upload.png"
    echo '```'
    echo
    echo "The upload runs in its own process (\`PhotoUpload::from_path\`, \`AttachmentUpload::from_path\`),"
    echo "which reports its peak resident set (\`VmHWM\` of /proc/self/status) when done; the mock's"
    echo "is read from /proc/PID/status after the upload (a fresh mock for each kind). The file is"
    echo "$(mib "$FILE_KIB") MiB of pseudo-random bytes after a PNG signature."
    echo
    echo "| kind | time | throughput | client peak RSS | mock RSS idle | mock peak RSS |"
    echo "|---|---|---|---|---|---|"
    echo "| photo | $(fmt2 "$P_SECS") s | $(fmt0 "$P_MBS") MB/s | $(mib "$P_CLIENT") MiB | $(mib "$P_IDLE") MiB | $(mib "$P_MOCK") MiB |"
    echo "| attachment | $(fmt2 "$A_SECS") s | $(fmt0 "$A_MBS") MB/s | $(mib "$A_CLIENT") MiB | $(mib "$A_IDLE") MiB | $(mib "$A_MOCK") MiB |"
    echo
    echo "### 8. Memory"
    echo
    echo '```'
    echo "people-mock --addr 127.0.0.1:PORT --people 99997 --journal 0 ${LOAD_FLAGS[*]}   # 100,000 people"
    echo "wrk -t2 -c32 -d5s -H 'Authorization: Bearer TOKEN' http://127.0.0.1:PORT/api/v1/people/Farrell   # repeated until 1,000,000 requests"
    echo '```'
    echo
    echo "- VmRSS after start: $(mib "$R8_START") MiB"
    echo "- VmRSS after the first 5 s of load: $(mib "$R8_FIRST_CHUNK") MiB"
    echo "- VmRSS after $R8_DONE requests: $(mib "$R8_END") MiB (VmHWM $(mib "$R8_HWM") MiB)"
    echo "- growth from start: ${R8_GROWTH}%; from the first 5 s of load: ${R8_GROWTH_WARM}%"
    echo
    echo "### 11. Durable writes"
    echo
    echo '```'
    echo "people-mock --addr 127.0.0.1:PORT ${LOAD_FLAGS[*]}                 # in memory"
    echo "people-mock --addr 127.0.0.1:PORT --state DIR ${LOAD_FLAGS[*]}     # durable"
    echo "wrk ${WRK_ARGS[*]} -s post.lua -H 'Authorization: Bearer TOKEN' http://127.0.0.1:PORT/api/v1/people"
    echo '```'
    echo
    echo "\`post.lua\` sends \`POST /api/v1/people\` with \`{\"fname\":\"Bench\",\"lname\":\"PREFIXn\"}\`, a new"
    echo "lname each request (a prefix per run), so every answer is a 201. With \`--state\` each 201 is"
    echo "sent once the person is committed to the state file (fsync); writes that arrive together"
    echo "share a commit. Both servers run side by side; rounds alternate memory, durable."
    echo
    echo "- memory, writes/s by round: $(join "${R11_MEM[@]}"); median $(fmt0 "$R11_MEM_MED")"
    echo "- \`--state\`, writes/s by round: $(join "${R11_STATE[@]}"); median $(fmt0 "$R11_STATE_MED")"
    echo "- ratio of the medians: ${R11_RATIO}×"
    echo
    echo "Row 11g: row 1's request (\`GET /api/v1/people/Farrell\`) to the same two servers after the"
    echo "writes; reads are served from memory either way."
    echo
    echo "- memory, req/s by round: $(join "${R11G_MEM[@]}"); median $(fmt0 "$R11G_MEM_MED")"
    echo "- \`--state\`, req/s by round: $(join "${R11G_STATE[@]}"); median $(fmt0 "$R11G_STATE_MED")"
    echo "- ratio of the medians: ${R11G_RATIO}×"
    echo
    echo "### 12. Start-up with 100,000 people stored"
    echo
    echo '```'
    echo "people-mock --addr 127.0.0.1:0 --state DIR --people 99997 ${LOAD_FLAGS[*]}   # once: seeds and writes 100,000 people, then SIGTERM"
    echo "people-mock --addr 127.0.0.1:0 --state DIR ${LOAD_FLAGS[*]}                  # timed, from exec to the banner, 5 times"
    echo '```'
    echo
    echo "The banner is printed once every person is loaded and the socket listens. Peak RSS is"
    echo "\`VmHWM\` of /proc/PID/status right after the banner. The state file: $(mib "$R12_FILE_KIB") MiB."
    echo
    echo "- ms by start: $(join "${R12_MS[@]}"); median $R12_MED"
    echo "- peak RSS (KiB) by start: $(join "${R12_HWM[@]}"); median $(mib "$R12_HWM_MED") MiB"
    echo
    echo "### 9 and 10. What ships"
    echo
    echo '```'
    echo "cargo build --profile $PROFILE -p people-mock --bin people-mock; stat -c %s target/$PROFILE/people-mock"
    echo "cargo build --profile $PROFILE -p people-examples --bin people; stat -c %s target/$PROFILE/people"
    echo "cargo tree -p people-sdk -e normal --prefix none | sort -u | wc -l"
    echo '```'
    echo
    echo "- people-mock: $SIZE_MOCK bytes; people: $SIZE_CLI bytes (0.1.0's release builds: 34 MB and 64 MB)"
    echo "- people-sdk's normal dependency graph: $SDK_CRATES crates (0.1.0: 145)"
    echo "- every program of this report (rows 1 to 8 included) is built with the \`$PROFILE\` profile"
    echo
    if [ -f "$ROOT/bench/PROFILE.md" ]; then
        echo "---"
        echo
        echo "*Everything below this line comes from \`bench/PROFILE.md\`: figures of earlier, separate"
        echo "runs (a profile and a before/after comparison), copied as they are; they are not from the run"
        echo "above and are not verdicts.*"
        echo
        cat "$ROOT/bench/PROFILE.md"
    fi
} >"$OUT"

log "done in ${SECONDS} s: $OUT"
