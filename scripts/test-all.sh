#!/usr/bin/env bash
# The one command README gives: install everything and pass every check on a fresh Debian machine.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    echo "test-all: '$*' needs root, and sudo is not available." >&2
    exit 1
  fi
}

# The e2e tests drive Debian's Chromium (DESIGN §1).
if [ ! -x /usr/bin/chromium ]; then
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
fi

npm ci --no-audit --no-fund
npm run lint
npm run typecheck
npm test
