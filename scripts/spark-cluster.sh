#!/usr/bin/env bash
# A local Apache Spark standalone cluster for rgal's tests: one master and one worker on
# 127.0.0.1, from the pinned pyspark wheel (it ships Spark's jars and bin/spark-class) in a venv
# under ~/.cache/rgal.
#
#   scripts/spark-cluster.sh start    # prints SPARK_MASTER_URL=spark://127.0.0.1:PORT and
#                                     #        RGAL_SPARK_WORK_DIR=... (the worker's work dir)
#   scripts/spark-cluster.sh stop     # stops master and worker (and the executors they run)
#   scripts/spark-cluster.sh status   # prints the URL when running, exits 1 otherwise
#   eval "$(scripts/spark-cluster.sh start)"
#
# Environment:
#   RGAL_SPARK_DIR      state dir: pids, logs, work/ (default ~/.cache/rgal/spark-cluster)
#   RGAL_SPARK_VERSION  pyspark version (default 4.2.0: the spark-core_2.13 version of spark/pom.xml)
#   RGAL_SPARK_VENV     venv holding it (default ~/.cache/rgal/spark-venv-VERSION; created)
#   RGAL_SPARK_CORES    worker cores (default 2); RGAL_SPARK_MEMORY worker memory (default 4g)
#
# start and stop are idempotent.
set -euo pipefail

SPARK_VERSION="${RGAL_SPARK_VERSION:-4.2.0}"
VENV="${RGAL_SPARK_VENV:-$HOME/.cache/rgal/spark-venv-$SPARK_VERSION}"
STATE="${RGAL_SPARK_DIR:-$HOME/.cache/rgal/spark-cluster}"
CORES="${RGAL_SPARK_CORES:-2}"
MEMORY="${RGAL_SPARK_MEMORY:-4g}"

die() { echo "spark-cluster: $*" >&2; exit 1; }

ensure_venv() {
  if [[ -x "$VENV/bin/python" ]] && "$VENV/bin/python" -c \
      "import pyspark, sys; sys.exit(pyspark.__version__ != '$SPARK_VERSION')" 2>/dev/null; then
    return 0
  fi
  echo "spark-cluster: installing pyspark==$SPARK_VERSION into $VENV (once, ~450 MB)" >&2
  command -v python3 >/dev/null || die "python3 not found; install Python 3.10+"
  [[ -x "$VENV/bin/python" ]] || python3 -m venv "$VENV" || die "cannot create venv $VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check "pyspark==$SPARK_VERSION" >&2 \
    || die "pip install pyspark==$SPARK_VERSION failed; check network access to PyPI"
}

spark_home() {
  "$VENV/bin/python" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))'
}

free_port() {
  "$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

alive() { [[ -f "$STATE/$1.pid" ]] && kill -0 "$(cat "$STATE/$1.pid")" 2>/dev/null; }

# Starts a Spark daemon class in its own process group (so stop ends exactly it and its children).
launch() {
  local name="$1"; shift
  # no REST submission server: it would take the fixed port 6066
  setsid env SPARK_HOME="$SPARK_HOME" SPARK_LOCAL_IP=127.0.0.1 SPARK_LOG_DIR="$STATE/logs" \
    SPARK_MASTER_OPTS="-Dspark.master.rest.enabled=false" \
    SPARK_CONF_DIR="$STATE/conf" "$SPARK_HOME/bin/spark-class" "$@" >"$STATE/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$STATE/$name.pid"
}

start() {
  ensure_venv
  SPARK_HOME="$(spark_home)"
  [[ -x "$SPARK_HOME/bin/spark-class" ]] || die "pyspark $SPARK_VERSION in $VENV has no bin/spark-class"
  command -v java >/dev/null || [[ -n "${JAVA_HOME:-}" ]] || die "java not found; install Java 17"
  if alive master && alive worker && [[ -f "$STATE/master.url" ]]; then
    echo "SPARK_MASTER_URL=$(cat "$STATE/master.url")"
    echo "RGAL_SPARK_WORK_DIR=$STATE/work"
    return 0
  fi
  stop_quietly || true
  mkdir -p "$STATE/logs" "$STATE/work" "$STATE/conf"
  local port ui wui
  port="$(free_port)"; ui="$(free_port)"; wui="$(free_port)"
  local url="spark://127.0.0.1:$port"
  launch master org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$port" --webui-port "$ui"
  launch worker org.apache.spark.deploy.worker.Worker "$url" --host 127.0.0.1 --cores "$CORES" \
    --memory "$MEMORY" --work-dir "$STATE/work" --webui-port "$wui"
  for _ in $(seq 1 240); do
    if grep -q "Successfully registered with master" "$STATE/logs/worker.log" 2>/dev/null; then
      echo "$url" >"$STATE/master.url"
      echo "SPARK_MASTER_URL=$url"
      echo "RGAL_SPARK_WORK_DIR=$STATE/work"
      return 0
    fi
    alive master || { tail -n 20 "$STATE/logs/master.log" >&2; stop_quietly || true; die "master exited; see $STATE/logs/master.log"; }
    alive worker || { tail -n 20 "$STATE/logs/worker.log" >&2; stop_quietly || true; die "worker exited; see $STATE/logs/worker.log"; }
    sleep 0.5
  done
  stop_quietly || true
  die "the worker did not register with $url within 120 s; see $STATE/logs"
}

stop_one() {
  local name="$1"
  alive "$name" || { rm -f "$STATE/$name.pid"; return 1; }
  local pid; pid="$(cat "$STATE/$name.pid")"
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 40); do
    kill -0 -- "-$pid" 2>/dev/null || break
    sleep 0.25
  done
  kill -KILL -- "-$pid" 2>/dev/null || true
  rm -f "$STATE/$name.pid"
}

stop_quietly() {
  local any=1
  # the worker first: its executors (and their cell JVMs) are in its process group
  stop_one worker && any=0
  stop_one master && any=0
  rm -f "$STATE/master.url"
  return $any
}

stop() {
  if stop_quietly; then
    echo "spark cluster stopped (state $STATE)"
  else
    echo "spark cluster not running (state $STATE)"
  fi
}

status() {
  if alive master && alive worker && [[ -f "$STATE/master.url" ]]; then
    echo "SPARK_MASTER_URL=$(cat "$STATE/master.url")"
  else
    echo "spark cluster not running (state $STATE)"
    return 1
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) die "usage: $0 start|stop|status" ;;
esac
