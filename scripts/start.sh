#!/usr/bin/env bash
# Starts Backstage (app on http://localhost:3000, backend on :7007) with the demo org and a year of
# demo Claude Code usage and delivery history, stored in SQLite under .data/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
cd "$REPO_ROOT"
mkdir -p .data
log "starting Backstage: http://localhost:3000 (backend http://localhost:7007)"
exec yarn start
