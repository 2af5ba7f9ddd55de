import { describe, expect, it } from "vitest";
import { generateBlock } from "../src/generate-block.js";
import { onnxFusedCheck } from "../src/onnx/onnx-fused-check.js";
import { onnxSpellings } from "../src/onnx/onnx-spellings.js";
import { runCase } from "../src/run-case.js";
import type { Nchw, Spelling } from "../src/spelling.js";

// The checks must bite: a spelling that runs wrong, a conversion that drifts
// by far less than a float32 ulp of the output scale... are all caught.

const convBn = onnxSpellings.find((s) => s.name === "onnx/conv-bn")!;
const seed = 3;
const spec = generateBlock(seed);

/** `spelling` whose `run` adds `delta` to element 0 on the n-th call (1: original, 2: converted). */
function drifting(spelling: Spelling, call: number, delta: number): Spelling {
  let n = 0;
  return {
    ...spelling,
    accepts: (s) => spelling.accepts(s),
    write: (s) => spelling.write(s),
    async run(model, stored, x) {
      const y: Nchw = await spelling.run(model, stored, x);
      if (++n !== call) return y;
      const data = Float64Array.from(y.data);
      data[0] = data[0]! + delta * Math.max(1, Math.abs(data[0]!));
      return { data, shape: y.shape };
    },
  };
}

describe("runCase", () => {
  it("fuses a block in a plain spelling", async () => {
    expect(await runCase(convBn, spec)).toEqual({ kind: "fused" });
  });

  it("blames the spelling when the original misses the reference", async () => {
    const out = await runCase(drifting(convBn, 1, 1e-4), spec);
    expect(out).toMatchObject({ kind: "mismatch", what: "original" });
  });

  it("catches a converted output off by 1e-4 relative", async () => {
    const out = await runCase(drifting(convBn, 2, 1e-4), spec);
    expect(out).toMatchObject({ kind: "mismatch", what: "converted" });
  });

  it("catches a refusal whose reason the spelling does not claim", async () => {
    // The adapter's initializersAsInputs: 'inputs' treats weights listed as graph inputs as run-time inputs: refused.
    const keep = onnxSpellings.find((s) => s.name === "onnx/keep-initializers-as-inputs")!;
    const refusing: Spelling = { ...keep, convertOptions: () => ({ initializersAsInputs: "inputs" }) };
    expect(await runCase(refusing, spec)).toMatchObject({ kind: "mismatch", what: "refusal" });
    const claimed: Spelling = { ...refusing, expectedRefusals: () => ["NON_CONSTANT_WEIGHTS"] };
    expect(await runCase(claimed, spec)).toMatchObject({ kind: "refused", reasons: ["NON_CONSTANT_WEIGHTS"] });
  });

  it("sees an unconverted ONNX block as unfused", async () => {
    const model = await convBn.write(spec);
    expect(onnxFusedCheck(model, model.stored)).toMatch(/^ops Conv, BatchNormalization/);
  });

  it("counts a block a spelling declines as skipped", async () => {
    const shared = onnxSpellings.find((s) => s.name === "onnx/shared-pad")!;
    const declined = [0, 1, 2, 3, 5, 6].map(generateBlock).find((b) => shared.accepts(b) !== true)!;
    expect(await runCase(shared, declined)).toMatchObject({ kind: "skipped" });
  });
});
