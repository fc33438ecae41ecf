#!/usr/bin/env bash
# Installs the two ccusage releases the collector's parity test and benchmark compare against, each in
# its own prefix under .tools/ so that neither touches the workspace's node_modules:
#   .tools/ccusage17  ccusage@17.2.1 (Node implementation)
#   .tools/ccusage20  ccusage@20.0.24 with its native linux-x64 binary
# Skips a release that is already installed. Uses the node/npm on PATH (scripts/bootstrap.sh puts
# Node 22 there).
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOLS_DIR="$REPO_ROOT/.tools"

log() { printf '\033[1m[install-ccusage]\033[0m %s\n' "$*" >&2; }

install_into() {
  local prefix=$1
  shift
  log "installing $* into ${prefix#"$REPO_ROOT"/}"
  mkdir -p "$prefix"
  npm install --prefix "$prefix" --no-save --no-audit --no-fund --loglevel=error "$@"
}

if [ ! -f "$TOOLS_DIR/ccusage17/node_modules/ccusage/package.json" ]; then
  install_into "$TOOLS_DIR/ccusage17" ccusage@17.2.1
fi

if [ ! -f "$TOOLS_DIR/ccusage20/node_modules/ccusage/package.json" ] ||
  [ ! -d "$TOOLS_DIR/ccusage20/node_modules/@ccusage/ccusage-linux-x64" ]; then
  # 20.0.26 has no linux binary published; the launcher package needs its platform package.
  install_into "$TOOLS_DIR/ccusage20" ccusage@20.0.24 @ccusage/ccusage-linux-x64@20.0.24
fi
