#!/usr/bin/env bash
# Runs the GPU check from a folder made by prepare.sh, on a Linux x64 machine
# with an NVIDIA GPU and no network. Unpacks Node 22 and the native libraries
# into a temporary folder, points the Vulkan loader at the NVIDIA ICD, and
# runs check.mjs (arguments passed through, e.g. --runs 50 --require-gpu).
# Without a usable GPU every model still validates, on the CPU, and the
# report says why WebGPU was skipped.
#
#   bash bundle/run.sh [--runs N] [--size N] [--skip-a0] [--require-gpu] [--verbose]
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=${GPU_CHECK_WORK:-$(mktemp -d "${TMPDIR:-/tmp}/gpu-check.XXXXXX")}

unxz_to() {
  if [ "${GPU_CHECK_UNXZ:-}" != python ] && command -v xz >/dev/null 2>&1; then
    xz -dc "$1" > "$2"
  elif command -v python3 >/dev/null 2>&1; then
    python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2"
  else
    echo "run.sh: need xz or python3 to unpack $1" >&2
    exit 1
  fi
}

echo "== unpacking into $WORK"
mkdir -p "$WORK"
rm -rf "$WORK/app" && cp -r "$HERE/app" "$WORK/app"
unxz_to "$HERE/node.xz" "$WORK/node" && chmod +x "$WORK/node"
find "$WORK/app" -name '*.xz' | while read -r f; do unxz_to "$f" "${f%.xz}" && rm "$f"; done
echo "node $("$WORK/node" --version) ($(cat "$HERE/node-version.txt" 2>/dev/null))"

echo "== GPU and Vulkan"
if command -v nvidia-smi >/dev/null 2>&1; then
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
else
  echo "nvidia-smi: not found"
fi
echo "NVIDIA_DRIVER_CAPABILITIES=${NVIDIA_DRIVER_CAPABILITIES:-unset} (Vulkan needs 'graphics' or 'all')"
# The system's Vulkan loader when there is one, else the carried one.
if ldconfig -p 2>/dev/null | grep -q 'libvulkan\.so\.1 '; then
  echo "vulkan loader: system ($(ldconfig -p | awk '/libvulkan\.so\.1 /{print $NF; exit}'))"
else
  export LD_LIBRARY_PATH="$HERE/vulkan${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  echo "vulkan loader: carried ($(cat "$HERE/vulkan/version.txt" 2>/dev/null))"
fi
ICD=""
for d in /usr/share/vulkan/icd.d /etc/vulkan/icd.d /usr/local/share/vulkan/icd.d; do
  for f in "$d"/nvidia_icd*.json; do
    if [ -f "$f" ]; then ICD=$f; break 2; fi
  done
done
if [ -z "$ICD" ]; then
  # The driver's Vulkan ICD lives in libGLX_nvidia.so.0; containers may mount
  # the library without its json. Write one pointing at it.
  LIB=$(ldconfig -p 2>/dev/null | awk '/libGLX_nvidia\.so\.0 /{print $NF; exit}')
  for d in /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/lib /usr/local/nvidia/lib64 /usr/local/nvidia/lib; do
    if [ -z "$LIB" ] && [ -e "$d/libGLX_nvidia.so.0" ]; then LIB="$d/libGLX_nvidia.so.0"; fi
  done
  if [ -n "$LIB" ]; then
    ICD="$WORK/nvidia_icd.json"
    printf '{ "file_format_version": "1.0.0", "ICD": { "library_path": "%s", "api_version": "1.3.0" } }\n' "$LIB" > "$ICD"
  fi
fi
if [ -n "$ICD" ]; then
  export VK_DRIVER_FILES="$ICD" VK_ICD_FILENAMES="$ICD"
  echo "vulkan ICD: $ICD"
else
  echo "vulkan ICD: none (no nvidia_icd.json under /usr/share/vulkan/icd.d or /etc/vulkan/icd.d, no libGLX_nvidia.so.0): WebGPU will fall back to the CPU"
fi

echo "== check"
"$WORK/node" "$WORK/app/check.mjs" --fixtures "$HERE/fixtures" "$@"
rc=$?
[ -n "${GPU_CHECK_WORK:-}" ] || rm -rf "$WORK"
echo "exit $rc"
exit $rc
