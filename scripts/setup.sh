#!/usr/bin/env bash
# Sets up a fresh clone: pnpm (installed if missing), dependencies, build.
set -euo pipefail
cd "$(dirname "$0")/.."
want=12.4.2
if [ "$(pnpm --version 2>/dev/null || true)" != "$want" ]; then
  echo "setup: installing pnpm@$want" >&2
  npm install --global "pnpm@$want" >&2
fi
pnpm install --frozen-lockfile >&2
bash scripts/install-chromium.sh
NX_DAEMON=false pnpm exec nx run-many -t build --output-style=static >&2
