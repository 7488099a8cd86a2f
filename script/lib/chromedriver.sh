# shellcheck shell=bash
# Headless Chromium for the browser test (tests/app/e2e.rs). Sourced by
# script/test: installs Debian's chromium and chromium-driver when missing (as
# root), starts chromedriver on a free local port, exports CHROMEDRIVER_URL and
# stops it on exit. Without the packages the browser test fails and says why.

CHROMEDRIVER_PID=

ensure_chromium() {
  if command -v chromedriver >/dev/null 2>&1 && command -v chromium >/dev/null 2>&1; then
    return 0
  fi
  if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "script: installing Debian's chromium and chromium-driver for the browser test" >&2
    if ! { apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; }; then
      echo "script: installing chromium and chromium-driver failed" >&2
    fi
  fi
  if ! command -v chromedriver >/dev/null 2>&1; then
    echo "script: chromedriver not found and not installable here (not root?);" \
      "the browser test will fail: apt-get install chromium chromium-driver" >&2
  fi
}

stop_chromedriver() {
  if [[ -n $CHROMEDRIVER_PID ]]; then
    kill "$CHROMEDRIVER_PID" 2>/dev/null || true
    wait "$CHROMEDRIVER_PID" 2>/dev/null || true
    CHROMEDRIVER_PID=
  fi
}

port_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start_chromedriver() {
  command -v chromedriver >/dev/null 2>&1 || return 0
  mkdir -p target/e2e
  trap stop_chromedriver EXIT
  local attempt port
  for attempt in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 40000))
    port_free "$port" || continue
    chromedriver --port="$port" >target/e2e/chromedriver.log 2>&1 &
    CHROMEDRIVER_PID=$!
    for _ in $(seq 1 100); do
      if ! kill -0 "$CHROMEDRIVER_PID" 2>/dev/null; then
        break # exited (port taken meanwhile?): try another port
      fi
      if ! port_free "$port"; then
        export CHROMEDRIVER_URL="http://127.0.0.1:$port"
        return 0
      fi
      sleep 0.1
    done
    stop_chromedriver
    echo "script: chromedriver did not start on port $port (attempt $attempt)" >&2
  done
  echo "script: could not start chromedriver; see target/e2e/chromedriver.log" >&2
  return 1
}
