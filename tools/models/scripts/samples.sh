#!/usr/bin/env bash
# Regenerates the committed samples (deterministic: seed 0). Run from anywhere.
set -euo pipefail
cd "$(dirname "$0")/../../.."
gen() { pnpm exec tsx tools/models/src/generate.ts --arch repvgg-sample --seed 0 "$@"; }
gen --format onnx --out tools/models/samples/repvgg-sample.onnx
gen --format safetensors --out tools/models/samples/repvgg-sample.safetensors
rm -rf tools/models/samples/repvgg-sample-tfjs
gen --format tfjs-layers --out tools/models/samples/repvgg-sample-tfjs
