#!/usr/bin/env bash
# Re-copies ../shared/conformance (beside the checkout) into fixtures/, byte for byte.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
src="$here/../../../shared/conformance"
rm -rf "$here/fixtures"
cp -a "$src/." "$here/fixtures/"
chmod -R u+w "$here/fixtures"
