#!/usr/bin/env bash
# A local MLflow tracking server for rgal's tests and for users without one.
#
#   scripts/mlflow-server.sh start    # prints MLFLOW_TRACKING_URI=http://127.0.0.1:PORT
#   scripts/mlflow-server.sh stop     # stops it (and its gunicorn workers)
#   scripts/mlflow-server.sh status   # prints the URI when running, exits 1 otherwise
#   scripts/mlflow-server.sh python   # prints the venv's python (with that mlflow), creating it
#   export "$(scripts/mlflow-server.sh start)"
#
# Environment:
#   RGAL_MLFLOW_DIR      state dir: mlflow.db, artifacts/, server.pid, server.uri, server.log
#                        (default ~/.cache/rgal/mlflow-server)
#   RGAL_MLFLOW_VENV     venv holding the pinned mlflow (default ~/.cache/rgal/venv-mlflow-VERSION;
#                        created; versioned so checkouts pinning other versions never share one)
#   RGAL_MLFLOW_VERSION  mlflow version to install (default 3.17.2, the current release; the
#                        Java client stays at 2.17.2, the newest published)
#   RGAL_MLFLOW_PORT     fixed port (default: a free one)
#
# start and stop are idempotent; each prints one summary line on stdout.
set -euo pipefail

MLFLOW_VERSION="${RGAL_MLFLOW_VERSION:-3.17.2}"
VENV="${RGAL_MLFLOW_VENV:-$HOME/.cache/rgal/venv-mlflow-$MLFLOW_VERSION}"
STATE="${RGAL_MLFLOW_DIR:-$HOME/.cache/rgal/mlflow-server}"
PID_FILE="$STATE/server.pid"
URI_FILE="$STATE/server.uri"
LOG_FILE="$STATE/server.log"

die() { echo "mlflow-server: $*" >&2; exit 1; }

# Is the process group recorded in the pid file still alive?
running() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid; pid="$(cat "$PID_FILE")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null
}

healthy() {
  "$VENV/bin/python" - "$1" <<'PY' >/dev/null 2>&1
import sys, urllib.request
urllib.request.urlopen(sys.argv[1] + "/health", timeout=2).read()
PY
}

ensure_venv() {
  if [[ -x "$VENV/bin/python" ]] && "$VENV/bin/python" -c \
      "import mlflow, mlflow.store.db.utils, sys; sys.exit(mlflow.__version__ != '$MLFLOW_VERSION')" 2>/dev/null; then
    return 0
  fi
  echo "mlflow-server: installing mlflow==$MLFLOW_VERSION into $VENV (once)" >&2
  command -v python3 >/dev/null || die "python3 not found; install Python 3.9+"
  [[ -x "$VENV/bin/python" ]] || python3 -m venv "$VENV" || die "cannot create venv $VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check "mlflow==$MLFLOW_VERSION" >&2 \
    || die "pip install mlflow==$MLFLOW_VERSION failed; check network access to PyPI"
}

free_port() {
  "$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

start() {
  ensure_venv
  mkdir -p "$STATE/artifacts"
  if running && [[ -f "$URI_FILE" ]] && healthy "$(cat "$URI_FILE")"; then
    echo "MLFLOW_TRACKING_URI=$(cat "$URI_FILE")"
    return 0
  fi
  stop_quietly >/dev/null || true
  local port="${RGAL_MLFLOW_PORT:-$(free_port)}"
  local uri="http://127.0.0.1:$port"
  # setsid: the server, gunicorn and its worker share one new process group, so stop can end
  # exactly them and nothing else.
  # MLflow 3.x also starts a job runner (GenAI scorer jobs: seven huey consumers, ~2 GB RSS) that
  # tracking never uses; it stays off on these small test machines.
  MLFLOW_SERVER_ENABLE_JOB_EXECUTION=false setsid "$VENV/bin/mlflow" server \
    --backend-store-uri "sqlite:///$STATE/mlflow.db" \
    --artifacts-destination "$STATE/artifacts" \
    --host 127.0.0.1 --port "$port" --workers 1 \
    >"$LOG_FILE" 2>&1 < /dev/null &
  local pid=$!
  echo "$pid" > "$PID_FILE"
  echo "$uri" > "$URI_FILE"
  # First start migrates the sqlite schema, which takes a few seconds on a small machine.
  for _ in $(seq 1 240); do
    if healthy "$uri"; then
      echo "MLFLOW_TRACKING_URI=$uri"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || { tail -n 20 "$LOG_FILE" >&2; rm -f "$PID_FILE"; die "server exited; see $LOG_FILE"; }
    sleep 0.5
  done
  stop_quietly >/dev/null || true
  die "server did not answer $uri/health within 120 s; see $LOG_FILE"
}

stop_quietly() {
  running || { rm -f "$PID_FILE"; return 1; }
  local pid; pid="$(cat "$PID_FILE")"
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 40); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.25
  done
  kill -KILL -- "-$pid" 2>/dev/null || true
  # Workers may outlive the master by a moment; wait until the group is gone.
  for _ in $(seq 1 20); do
    kill -0 -- "-$pid" 2>/dev/null || break
    sleep 0.25
  done
  rm -f "$PID_FILE"
  echo "$pid"
}

stop() {
  local pid
  if pid="$(stop_quietly)"; then
    echo "mlflow server stopped (pid $pid, state $STATE)"
  else
    echo "mlflow server not running (state $STATE)"
  fi
}

status() {
  if running && [[ -f "$URI_FILE" ]] && healthy "$(cat "$URI_FILE")"; then
    echo "MLFLOW_TRACKING_URI=$(cat "$URI_FILE")"
  else
    echo "mlflow server not running (state $STATE)"
    return 1
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  python) ensure_venv; echo "$VENV/bin/python" ;;
  *) die "usage: $0 start|stop|status|python" ;;
esac
