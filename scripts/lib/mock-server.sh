# Starts, waits for and stops people-mock servers. Source it from a bash script:
#
#   . scripts/lib/target-dir.sh
#   . scripts/lib/mock-server.sh
#   start_people_mock "$TARGET_DIR/debug/people-mock" "$TARGET_DIR/out/server" --rate-limit 1000000 || exit 1
#   trap stop_people_mock EXIT
#
# start_people_mock BIN LOG [ARGS...]
#   Runs `BIN ARGS...` in the background, with `--addr 127.0.0.1:0` first unless ARGS name an
#   --addr (port 0: the kernel picks a free loopback port and the banner names it). Its stdout
#   goes to LOG.out, its stderr to LOG.err. Waits (at most 60 s) for the banner
#   `people-mock listening on http://127.0.0.1:PORT/api/v1/` and for an HTTP answer on /__mock/,
#   then sets
#     PEOPLE_MOCK_PID     the server's PID (also kept in PEOPLE_MOCK_PIDS until it is stopped)
#     PEOPLE_MOCK_BASE    the API's base URL without the final slash: http://127.0.0.1:PORT/api/v1
#     PEOPLE_MOCK_ORIGIN  http://127.0.0.1:PORT
#   and returns 0. When the server exits or does not come up, it says so on stderr, stops the
#   server and returns 1.
#
# stop_people_mock [PID...]
#   Stops the given servers (default: every server start_people_mock started and that is not
#   stopped yet) by their recorded PID: SIGTERM, then SIGKILL after 5 s.

PEOPLE_MOCK_PIDS=()
PEOPLE_MOCK_PID=
PEOPLE_MOCK_BASE=
PEOPLE_MOCK_ORIGIN=

start_people_mock() {
  local bin=$1 log=$2 arg pid base=
  shift 2
  local args=(--addr 127.0.0.1:0)
  for arg in "$@"; do
    case $arg in
    --addr | --addr=*) args=() ;;
    esac
  done
  args+=("$@")

  "$bin" "${args[@]}" >"$log.out" 2>"$log.err" &
  pid=$!
  PEOPLE_MOCK_PIDS+=("$pid")

  for _ in $(seq 1 600); do
    if [ -z "$base" ]; then
      base=$(sed -n 's/^people-mock listening on \(http:[^ ]*\)$/\1/p' "$log.out" 2>/dev/null | head -n1 || true)
      base=${base%/}
    fi
    if [ -n "$base" ] &&
      [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "${base%/api/v1}/__mock/" || true)" != 000 ]; then
      PEOPLE_MOCK_PID=$pid
      PEOPLE_MOCK_BASE=$base
      PEOPLE_MOCK_ORIGIN=${base%/api/v1}
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "people-mock exited (its stderr: $log.err):" >&2
      tail -n 20 "$log.err" >&2 || true
      stop_people_mock "$pid"
      return 1
    fi
    sleep 0.1
  done
  echo "people-mock (pid $pid) did not come up within 60 s (its output: $log.out, $log.err)" >&2
  stop_people_mock "$pid"
  return 1
}

stop_people_mock() {
  local pid kept=() p
  if [ "$#" -eq 0 ]; then
    set -- ${PEOPLE_MOCK_PIDS[@]+"${PEOPLE_MOCK_PIDS[@]}"}
  fi
  for pid in "$@"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
      done
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
  done
  for p in ${PEOPLE_MOCK_PIDS[@]+"${PEOPLE_MOCK_PIDS[@]}"}; do
    for pid in "$@"; do
      [ "$p" = "$pid" ] && continue 2
    done
    kept+=("$p")
  done
  PEOPLE_MOCK_PIDS=(${kept[@]+"${kept[@]}"})
}
