# shellcheck shell=bash
# Makes sure a PostgreSQL server answers at DATABASE_URL. Sourced by script/server
# and script/test. If nothing answers, starts a private cluster under
# target/pg (installing Debian's postgresql package first when the server
# binaries are missing and we run as root).

: "${DATABASE_URL:=postgres://postgres@127.0.0.1:5432/orderdesk}"
export DATABASE_URL

pg_host_port() {
  # postgres://user[:pw]@host[:port]/db?... -> "host port"
  local rest=${DATABASE_URL#*://}
  rest=${rest#*@}
  rest=${rest%%/*}
  local host=${rest%%:*} port=5432
  [[ $rest == *:* ]] && port=${rest##*:}
  echo "$host $port"
}

# DATABASE_URL with another user: `pg_url_as orderdesk_app`.
pg_url_as() {
  local scheme=${DATABASE_URL%%://*} rest=${DATABASE_URL#*://}
  [[ $rest == *@* ]] && rest=${rest#*@}
  echo "$scheme://$1@$rest"
}

pg_answers() {
  local host port
  read -r host port < <(pg_host_port)
  timeout 2 bash -c "exec 3<>/dev/tcp/$host/$port" 2>/dev/null
}

pg_bindir() {
  if command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v pg_ctl)"
    return
  fi
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
  [[ -n $d && -x $d/pg_ctl ]] && echo "$d"
}

ensure_postgres() {
  if pg_answers; then
    return 0
  fi
  local host port bindir
  read -r host port < <(pg_host_port)
  echo "script: no PostgreSQL at $host:$port; starting a private cluster under target/pg" >&2
  bindir=$(pg_bindir)
  if [[ -z $bindir ]]; then
    if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null; then
      echo "script: installing Debian's postgresql package" >&2
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
      bindir=$(pg_bindir)
    fi
    if [[ -z $bindir ]]; then
      echo "script: PostgreSQL server binaries not found; install PostgreSQL 15 or set DATABASE_URL" >&2
      return 1
    fi
  fi
  local data="$PWD/target/pg/data" sock="$PWD/target/pg/run" log="$PWD/target/pg/server.log"
  mkdir -p "$PWD/target/pg" "$sock"
  local as=()
  if [[ $EUID -eq 0 ]]; then
    # initdb refuses to run as root; the cluster belongs to the postgres user.
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql postgres
    chown -R postgres "$PWD/target/pg"
    as=(runuser -u postgres --)
  fi
  if [[ ! -f $data/PG_VERSION ]]; then
    "${as[@]}" "$bindir/initdb" -D "$data" -U postgres --auth=trust -E UTF8 >/dev/null
  fi
  "${as[@]}" "$bindir/pg_ctl" -D "$data" -l "$log" -w \
    -o "-p $port -k $sock -c listen_addresses=$host" start >/dev/null
  pg_answers || { echo "script: PostgreSQL did not start; see $log" >&2; return 1; }
}

# Stops the primary + standby pair the replica tests make under
# target/replica-test (tests/app/replica_pair.rs); kept on disk for the next run.
stop_test_pair() {
  local d bindir as=()
  bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
  [[ -n $bindir && -x $bindir/pg_ctl ]] || return 0
  [[ $EUID -eq 0 ]] && as=(runuser -u postgres --)
  for d in target/replica-test/standby target/replica-test/primary; do
    if [[ -f $d/postmaster.pid ]]; then
      "${as[@]}" "$bindir/pg_ctl" -D "$d" -m fast -w stop >/dev/null 2>&1 || true
    fi
  done
}

# The replica tests need the server's tools beside each other (initdb, pg_ctl,
# pg_basebackup: Debian's postgresql-15 has them), util-linux's flock and, as
# root, runuser and a postgres user (initdb refuses root).
ensure_pair_tools() {
  local bindir
  bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
  if [[ -z $bindir || ! -x $bindir/pg_basebackup ]]; then
    if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null; then
      echo "script: installing Debian's postgresql package for the replica tests" >&2
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    else
      echo "script: initdb/pg_basebackup not found; the replica tests will fail: install postgresql-15" >&2
    fi
  fi
  if [[ $EUID -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
    useradd --system --home-dir /var/lib/postgresql postgres
  fi
}
