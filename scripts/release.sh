#!/usr/bin/env bash
# The release, up to (not including) publishing: consume the pending changesets (versions and
# CHANGELOGs of the published @reparam/* packages; private ones are left alone, see
# .changeset/README.md), build, then show what `pnpm publish` would upload, package by package.
# Review and commit the result, then publish with `pnpm exec changeset publish` (changesets has
# no dry run for publish: `pnpm publish -r --dry-run` below is the dry run). CI runs the
# versioning step on a copy of the repository (tools/release/test/release-plan.test.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
pnpm exec changeset version
NX_DAEMON=false pnpm exec nx run-many -t build --output-style=static
pnpm -r --filter "./packages/*" publish --dry-run --no-git-checks --access public
echo "release: versions bumped and built; review and commit, then: pnpm exec changeset publish" >&2
