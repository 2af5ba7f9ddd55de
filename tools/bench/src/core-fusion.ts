/**
 * Core fusion of every block of a RepVGG-B3-sized network (random float32
 * weights) vs a plain copy of the same Float32Arrays, in the same run.
 * Prints a table and writes bench-out/core-fusion.json. Goal: fusion <= 3x copy.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { fuseToFloat32, planBlock } from "@reparam/core";
import { parameterCount, repvggBlocks } from "./repvgg-b3-blocks.js";

const blocks = repvggBlocks();
const arrays = blocks.flatMap((b) => b.branches.flatMap((br) => (br.kind === "conv" ? [br.kernel.data as Float32Array] : [])));
const bytes = arrays.reduce((n, a) => n + a.byteLength, 0);

function time(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

let sink = 0;
const copy = () => {
  for (const a of arrays) sink += a.slice()[0]!;
};
const fuse = () => {
  for (const b of blocks) {
    const r = planBlock(b);
    if (!r.ok) throw new Error(r.refusal.message);
    const f = fuseToFloat32(b, r.plan);
    sink += f.kernel[0]! + f.bias[0]!;
  }
};
const reps = 3;
copy();
fuse(); // warm-up
const copyT = Math.min(...Array.from({ length: reps }, () => time(copy)));
const fuseT = Math.min(...Array.from({ length: reps }, () => time(fuse)));
const result = {
  model: "RepVGG-B3 blocks (random)",
  blocks: blocks.length,
  trainParameters: parameterCount(blocks),
  weightBytes: bytes,
  copySeconds: copyT,
  fuseSeconds: fuseT,
  ratio: fuseT / copyT,
  goal: "fuse <= 3x copy",
};
console.log(`core fusion, ${result.blocks} blocks, ${(result.trainParameters / 1e6).toFixed(2)}M train params, ${(bytes / 2 ** 20).toFixed(0)} MiB of kernels (best of ${reps})`);
console.log(`  copy of the Float32Arrays  ${copyT.toFixed(3)} s`);
console.log(`  fuse (float64, rounded)    ${fuseT.toFixed(3)} s   ratio ${result.ratio.toFixed(2)}x  (goal <= 3x)`);
mkdirSync("bench-out", { recursive: true });
writeFileSync("bench-out/core-fusion.json", `${JSON.stringify(result, null, 2)}\n`);
if (sink === 42) console.log("");
