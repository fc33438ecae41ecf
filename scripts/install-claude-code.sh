#!/usr/bin/env bash
# Installs the real Claude Code CLI (npm @anthropic-ai/claude-code, pinned) into .tools/claude-code for
# the end-to-end test that runs it offline against the project's stand-in of the Messages API.
# npm 11 blocks install scripts by default; the CLI runs without its postinstall.
set -euo pipefail
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VERSION=2.1.328
PREFIX="$REPO_ROOT/.tools/claude-code"
installed=$(node -p "require('$PREFIX/node_modules/@anthropic-ai/claude-code/package.json').version" 2>/dev/null || true)
if [ "$installed" != "$VERSION" ]; then
  printf '\033[1m[install-claude-code]\033[0m installing @anthropic-ai/claude-code@%s into .tools/claude-code\n' "$VERSION" >&2
  mkdir -p "$PREFIX"
  npm install --prefix "$PREFIX" --no-save --no-audit --no-fund --loglevel=error "@anthropic-ai/claude-code@$VERSION"
fi
