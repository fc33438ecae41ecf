#!/usr/bin/env bash
# Org-scale benchmark (not part of the tests): API latency, OTLP ingestion, freshness after a
# catalog change and load time, on SQLite and on a PostgreSQL server this script starts, with the
# demo generator at 5,000 engineers / 500 groups / 2,000 components / 365 days by default.
# Arguments go to the benchmark, e.g. --databases sqlite --engineers 1000 --otlp-seconds 10.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
cd "$REPO_ROOT"

source "$REPO_ROOT/scripts/postgres.sh"
# A durable server, as in production (the tests run one without fsync).
PG_PORT=${BENCHMARK_PG_PORT:-55442} PG_OPTIONS="-c fsync=on -c shared_buffers=512MB" start_postgres
trap stop_postgres EXIT
export BENCHMARK_POSTGRES_URL="$POSTGRES_URL"

yarn workspace backstage-plugin-claude-code-analytics-backend benchmark "$@"
