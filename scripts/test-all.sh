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

# The e2e tests drive Debian's Chromium (DESIGN §1); the engine's interoperability tests run
# Debian's mosquitto_pub/mosquitto_sub beside mqtt.js; the cluster tests start throwaway
# PostgreSQL 15 and redis-server processes of their own (packages/broker/src/cluster/__tests__/services.ts).
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v mosquitto_sub >/dev/null 2>&1 || missing+=(mosquitto-clients)
[ -x /usr/lib/postgresql/15/bin/postgres ] || missing+=(postgresql)
[ -x /usr/bin/redis-server ] || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
fi

npm ci --no-audit --no-fund
npm run lint
npm run typecheck
npm test
