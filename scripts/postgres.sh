#!/usr/bin/env bash
# Sourced: start_postgres / stop_postgres run a throwaway PostgreSQL server on 127.0.0.1 for the
# tests, installing Debian's postgresql package first when no server binaries are present.
PG_PORT=${PG_PORT:-55432}
# The tests need no durability; the benchmark sets PG_OPTIONS to measure a durable server.
PG_OPTIONS=${PG_OPTIONS:--c fsync=off}
# runuser and useradd live in sbin, which a non-login root shell may not have on its PATH.
export PATH="$PATH:/usr/sbin:/sbin"

find_pg_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    if [ -x "$dir/pg_ctl" ]; then
      echo "$dir"
      return 0
    fi
  done
  return 1
}

start_postgres() {
  local bin
  if ! bin=$(find_pg_bin); then
    log "installing PostgreSQL (apt-get)"
    if [ "$(id -u)" != 0 ]; then
      echo "PostgreSQL server binaries are missing and this is not root: install the postgresql package" >&2
      return 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    bin=$(find_pg_bin)
  fi
  PG_DIR=$(mktemp -d /tmp/claude-code-analytics-pg.XXXXXX)
  local run_as=()
  if [ "$(id -u)" = 0 ]; then
    # initdb refuses to run as root.
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown postgres "$PG_DIR"
    run_as=(runuser -u postgres --)
  fi
  log "starting PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT"
  "${run_as[@]}" "$bin/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 >/dev/null
  "${run_as[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 $PG_OPTIONS -c max_connections=200" start >/dev/null
  PG_BIN=$bin
  POSTGRES_URL="postgresql://postgres@127.0.0.1:$PG_PORT/postgres"
  export PG_DIR PG_BIN POSTGRES_URL
}

stop_postgres() {
  if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ]; then
    local run_as=()
    [ "$(id -u)" = 0 ] && run_as=(runuser -u postgres --)
    "${run_as[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
}
