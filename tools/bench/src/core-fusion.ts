import { fuseToFloat32, planBlock, setWasmKernels, wasmKernelsActive } from "@reparam/core";
import { parameterCount, repvggBlocks } from "./repvgg-b3-blocks.js";

/** Core fusion vs a plain copy of the same weights. */
export interface CoreFusionFigure {
  readonly blocks: number;
  readonly trainParameters: number;
  readonly weightBytes: number;
  readonly copySeconds: number;
  readonly fuseSeconds: number;
  /** The same fusion with core's WebAssembly kernels turned off (JavaScript loops only; same bytes). */
  readonly fuseJsSeconds: number;
  /** Whether the WebAssembly kernels ran in `fuseSeconds`. */
  readonly wasm: boolean;
  readonly ratio: number;
}

function time(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/**
 * Fuses every block of a RepVGG-B3-sized network (random float32 weights,
 * 120M kernel parameters) into float32 deploy kernels, and copies the same
 * Float32Arrays, alternating, best of `reps` each. Goal: fusion <= 3x copy.
 */
export function coreFusionBench(reps: number, log: (s: string) => void): CoreFusionFigure {
  const blocks = repvggBlocks();
  const arrays = blocks.flatMap((b) =>
    b.branches.flatMap((br) => (br.kind === "conv" ? [br.kernel.data as Float32Array] : [])),
  );
  const plans = blocks.map((b) => {
    const r = planBlock(b);
    if (!r.ok) throw new Error(r.refusal.message);
    return r.plan;
  });
  let sink = 0;
  const copy = () => {
    for (const a of arrays) sink += a.slice()[0]!;
  };
  const fuse = () => {
    blocks.forEach((b, i) => {
      const f = fuseToFloat32(b, plans[i]!);
      sink += f.kernel[0]! + f.bias[0]!;
    });
  };
  copy();
  fuse();
  const copies: number[] = [];
  const fuses: number[] = [];
  const jsFuses: number[] = [];
  for (let i = 0; i < reps; i++) {
    copies.push(time(copy));
    fuses.push(time(fuse));
    setWasmKernels(false);
    jsFuses.push(time(fuse));
    setWasmKernels(true);
  }
  const fig = {
    blocks: blocks.length,
    trainParameters: parameterCount(blocks),
    weightBytes: arrays.reduce((n, a) => n + a.byteLength, 0),
    copySeconds: Math.min(...copies),
    fuseSeconds: Math.min(...fuses),
    fuseJsSeconds: Math.min(...jsFuses),
    wasm: wasmKernelsActive(),
    ratio: Math.min(...fuses) / Math.min(...copies),
  };
  log(
    `  ${fig.blocks} blocks, ${(fig.trainParameters / 1e6).toFixed(2)}M params: copy ${fig.copySeconds.toFixed(3)} s, fuse ${fig.fuseSeconds.toFixed(3)} s (${fig.ratio.toFixed(2)}x; JavaScript only ${fig.fuseJsSeconds.toFixed(3)} s)${sink === 0.5 ? "" : ""}`,
  );
  return fig;
}
