#!/usr/bin/env bash
# Browser end-to-end tests of the running product: starts the demo exactly as `yarn start` does (app
# on :3000, backend on :7007) on a fresh temporary SQLite directory, waits until the demo data is in,
# runs the Playwright tests of packages/e2e against it with Debian's Chromium, and stops the servers.
# Artifacts (screenshots, the servers' log, the Playwright report) land in e2e-artifacts/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
cd "$REPO_ROOT"

# Playwright must never download browsers of its own: the tests drive Debian's Chromium.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export CHROMIUM_PATH=${CHROMIUM_PATH:-/usr/bin/chromium}
START_TIMEOUT=${E2E_START_TIMEOUT:-420}
ARTIFACTS_DIR="$REPO_ROOT/e2e-artifacts"
SERVER_LOG="$ARTIFACTS_DIR/backstage.log"
APP_URL=http://localhost:3000
BACKEND_URL=http://localhost:7007
TOKEN=${CLAUDE_CODE_ANALYTICS_TOKEN:-demo-claude-code-analytics-token}
export E2E_ARTIFACTS_DIR="$ARTIFACTS_DIR" E2E_APP_URL="$APP_URL" E2E_BACKEND_URL="$BACKEND_URL"
export E2E_TOKEN="$TOKEN" E2E_REPO_ROOT="$REPO_ROOT"

started_at=$SECONDS
stamp() { printf '\033[1m[e2e]\033[0m %s (at %d s)\n' "$*" "$((SECONDS - started_at))" >&2; }

if [ ! -x "$CHROMIUM_PATH" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "$CHROMIUM_PATH is missing and this is not root: install Debian's chromium package" >&2
    exit 1
  fi
  stamp "installing Chromium (apt-get)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
# The tests run the real Claude Code CLI once against the stand-in Messages API.
bash "$REPO_ROOT/scripts/install-claude-code.sh"

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in 3000 7007; do
  if port_in_use "$port"; then
    echo "Port $port is already in use: stop the Backstage that runs there before the end-to-end tests" >&2
    exit 1
  fi
done

rm -rf "$ARTIFACTS_DIR"
mkdir -p "$ARTIFACTS_DIR"
RUN_DIR=$(mktemp -d /tmp/claude-code-analytics-e2e.XXXXXX)
# The demo's own configuration, with the database in a fresh folder so that every run starts empty.
cat >"$RUN_DIR/app-config.e2e.yaml" <<YAML
backend:
  database:
    connection:
      directory: $RUN_DIR/sqlite
YAML

server_pid=
stop_servers() {
  local status=$?
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    stamp "stopping the servers"
    kill -TERM -- "-$server_pid" 2>/dev/null || true
    for _ in $(seq 1 30); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.5
    done
    kill -KILL -- "-$server_pid" 2>/dev/null || true
    stamp "servers stopped"
  fi
  rm -rf "$RUN_DIR"
  exit "$status"
}
trap stop_servers EXIT
trap 'exit 130' INT TERM

stamp "starting Backstage (log: ${SERVER_LOG#"$REPO_ROOT"/})"
# Its own process group, so that stopping it stops the app's dev server and the backend alike.
setsid yarn start --config "$REPO_ROOT/app-config.yaml" --config "$RUN_DIR/app-config.e2e.yaml" \
  </dev/null >"$SERVER_LOG" 2>&1 &
server_pid=$!

fail_start() {
  echo "The demo did not become ready: $1" >&2
  echo "--- last lines of ${SERVER_LOG#"$REPO_ROOT"/} ---" >&2
  tail -n 40 "$SERVER_LOG" >&2
  exit 1
}

# Ready when the app answers and the backend's status shows the demo data written, every catalog
# entity of the demo in the ownership index (the catalog fills in stages; rollups recompute after
# each) and no rollups waiting: only then do cards and API agree on settled numbers.
expected_entities=$(cat examples/demo-org.yaml catalog-info.yaml |
  grep -cE '^kind: (User|Group|Component|System|Domain)$')
export expected_entities
status_ready() {
  curl -fsS --max-time 5 -H "Authorization: Bearer $TOKEN" \
    "$BACKEND_URL/api/claude-code-analytics/v1/status" 2>/dev/null |
    node -e '
      let raw = "";
      process.stdin.on("data", d => (raw += d)).on("end", () => {
        const s = JSON.parse(raw);
        const demo = s.sources.find(x => x.source === "demo");
        const ready = demo?.lastSuccessAt && s.catalog.entities > 0 &&
          s.catalog.entities >= Number(process.env.expected_entities) &&
          s.pendingRollups.userDays === 0 && s.pendingRollups.entityDays === 0;
        process.exit(ready ? 0 : 1);
      });'
}
last_status=
app_ready=
while :; do
  kill -0 "$server_pid" 2>/dev/null || fail_start "yarn start exited"
  if [ $((SECONDS - started_at)) -gt "$START_TIMEOUT" ]; then
    fail_start "not ready after ${START_TIMEOUT} s; last status: ${last_status:-no answer}"
  fi
  if [ -z "$app_ready" ] && curl -fs --max-time 5 -o /dev/null "$APP_URL"; then
    app_ready=1
    stamp "the app answers on $APP_URL"
  fi
  if [ -n "$app_ready" ] && status_ready; then
    break
  fi
  last_status=$(curl -sS --max-time 5 -H "Authorization: Bearer $TOKEN" \
    "$BACKEND_URL/api/claude-code-analytics/v1/status" 2>&1 | head -c 600 || true)
  sleep 3
done
stamp "the backend has the demo data (status ready)"

tests_started=$SECONDS
set +e
(cd packages/e2e && yarn playwright test)
tests_status=$?
set -e
stamp "Playwright tests finished in $((SECONDS - tests_started)) s with exit code $tests_status"
exit "$tests_status"
