// Validates the conformance models (ONNX and TF.js) and a RepVGG-A0-sized
// model on the GPU backends, printing for each: the backend that ran, why
// faster ones were skipped, the errors, and latencies.
//
//   node check.mjs [--fixtures DIR] [--backend gpu|auto|cpu|wasm] [--runs N]
//                  [--size N] [--skip-a0] [--require-gpu] [--json FILE]
//
// Exit: 0 all passed; 3 a mismatch; 4 --require-gpu and something ran off the GPU;
// 1 an error.
import { writeFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { formatNumber, formatValidationReport, validateConversion } from "../../packages/validate/dist/index.js";
import { repvggA0 } from "./repvgg-a0.mjs";

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const flag = (name) => args.includes(name);
const fixtures = opt("--fixtures", fileURLToPath(new URL("../conformance/fixtures/", import.meta.url)));
const backend = opt("--backend", "gpu");
const runs = Number(opt("--runs", "20"));
const results = [];

async function check(label, original, converted, options) {
  const t0 = performance.now();
  try {
    const report = await validateConversion(original, converted, { backend, latencyRuns: runs, warmupRuns: 5, ...options });
    results.push({ label, seconds: (performance.now() - t0) / 1000, report });
    if (!report.passed || flag("--verbose")) console.log(formatValidationReport(report) + "\n");
    const worst = Math.max(...report.samples.flatMap((s) => s.outputs.map((o) => o.absError?.max ?? Infinity)));
    const l = report.latency;
    const lat = l === undefined ? "" : `  ${l.original.medianMs.toFixed(2)} -> ${l.converted.medianMs.toFixed(2)} ms (${l.speedup.toFixed(2)}x)`;
    console.log(`${report.passed ? "ok  " : "FAIL"} ${label.padEnd(24)} ${`${report.runtime} ${report.backend}`.padEnd(24)} max abs ${formatNumber(worst).padEnd(8)}${lat}`);
    for (const s of report.skipped) console.log(`       skipped ${s.runtime} ${s.backend}: ${s.reason}`);
  } catch (e) {
    results.push({ label, error: `${e?.code ?? e?.name}: ${e?.message}` });
    console.log(`ERR  ${label}: ${e?.code ?? e?.name}: ${e?.message}`);
  }
}

console.log(`node ${process.version}, backend ${backend}, ${runs} timed runs per model`);
const manifest = JSON.parse(readFileSync(join(fixtures, "manifest.json"), "utf8"));
for (const c of manifest.cases) await check(`onnx ${c.name}`, join(fixtures, c.onnx.train), join(fixtures, c.onnx.deploy));
const tfjs = JSON.parse(readFileSync(join(fixtures, "tfjs", "manifest.json"), "utf8"));
for (const c of tfjs.cases) await check(`tfjs ${c.name}`, join(fixtures, "tfjs", c.name, "layers"), join(fixtures, "tfjs", c.name, "layers-deploy"));
if (!flag("--skip-a0")) {
  const size = Number(opt("--size", "224"));
  const t0 = performance.now();
  const a0 = repvggA0({ size });
  console.log(`built RepVGG-A0 (${a0.blocks} blocks, ${size}x${size}): train ${(a0.train.length / 2 ** 20).toFixed(1)} MiB, deploy ${(a0.deploy.length / 2 ** 20).toFixed(1)} MiB in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  await check("onnx repvgg-a0", a0.train, a0.deploy, { count: 2 });
}

const failed = results.filter((r) => r.error !== undefined || !r.report.passed);
const offGpu = results.filter((r) => r.report !== undefined && r.report.backend !== "webgpu");
console.log(`\n${results.length - failed.length}/${results.length} passed; ${results.length - offGpu.length}/${results.length} ran on WebGPU`);
const json = opt("--json", process.env.OUT ? join(process.env.OUT, "gpu-check.json") : undefined);
if (json !== undefined) writeFileSync(json, JSON.stringify({ node: process.version, backend, runs, results }, null, 1));
process.exitCode = results.some((r) => r.error !== undefined) ? 1 : failed.length > 0 ? 3 : flag("--require-gpu") && offGpu.length > 0 ? 4 : 0;
