#!/usr/bin/env bash
# The web page's end-to-end tests (apps/web) drive Debian's chromium through
# playwright-core, which downloads no browser: install it when it is missing.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then exit 0; fi
echo "setup: installing chromium (for apps/web's browser tests)" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update >&2
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y chromium >&2
