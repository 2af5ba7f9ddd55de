#!/usr/bin/env bash
# The main job on a bundled sample (runs after scripts/setup.sh): convert a
# small train-time RepVGG ONNX model to its deploy form and show the summary.
set -euo pipefail
cd "$(dirname "$0")/.."
sample=tools/models/samples/repvgg-sample.onnx
mkdir -p out
node packages/cli/dist/bin.js convert "$sample" -o out/repvgg-sample.deploy.onnx --force
echo
node packages/cli/dist/bin.js verify "$sample" out/repvgg-sample.deploy.onnx --latency 20
