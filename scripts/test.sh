#!/usr/bin/env bash
# Runs every test: type check, lint, unit and backend tests on SQLite and on a real PostgreSQL
# server that this script starts (and stops) itself. Works on a machine with only Node 20 and npm.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
cd "$REPO_ROOT"

source "$REPO_ROOT/scripts/postgres.sh"
start_postgres
trap stop_postgres EXIT

export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING="$POSTGRES_URL"
export BACKSTAGE_TEST_DISABLE_DOCKER=1
# Makes the database tests fail instead of skipping PostgreSQL if the server is not reachable.
export CLAUDE_CODE_ANALYTICS_REQUIRE_POSTGRES=1
export CI=${CI:-true}

# The collector's token totals are compared with both ccusage versions (npm) on the same folders.
bash "$REPO_ROOT/scripts/install-ccusage.sh"
# The end-to-end test runs the real Claude Code CLI offline against a stand-in Messages API.
bash "$REPO_ROOT/scripts/install-claude-code.sh"

log "type check"
yarn tsc

log "lint"
yarn backstage-cli repo lint

log "unit and backend tests"
yarn backstage-cli repo test --maxWorkers=2

bash "$REPO_ROOT/scripts/e2e.sh"
