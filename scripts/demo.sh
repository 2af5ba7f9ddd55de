#!/usr/bin/env bash
# The main job on a bundled sample: runs after scripts/setup.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
node packages/cli/dist/bin.js --help
echo
node packages/cli/dist/bin.js example
