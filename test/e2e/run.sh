#!/usr/bin/env bash
# Builds FileFlow (server and web UI) and runs the browser tests against a real server.
# Needs Debian's Chromium at /usr/bin/chromium (apt-get install -y chromium) or CHROMIUM_PATH.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  echo "e2e: Chromium not found at ${CHROMIUM_PATH:-/usr/bin/chromium} (apt-get install -y chromium)" >&2
  exit 1
fi

npm run build
npx vitest run --config test/e2e/vitest.config.ts "$@"
