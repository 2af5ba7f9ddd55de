import { describe, expect, it } from "vitest";
import { isReparamError } from "@reparam/core";
import { chooseFreeSize } from "./choose-free-size.js";
import type { ModelSession } from "./model-session.js";
import type { NumericTensor, TensorSpec } from "./numeric-tensor.js";

/** A session that runs only when the input's last dim is `ok`, recording every shape it was fed. */
function session(inputs: TensorSpec[], ok: number, fed: number[][]): ModelSession {
  return {
    inputs,
    outputs: [],
    async run(feeds: readonly NumericTensor[]) {
      fed.push([...feeds[0]!.shape]);
      if (feeds[0]!.shape.at(-1) !== ok) throw new Error(`Invalid input shape: {${feeds[0]!.shape.join(",")}}`);
      return [];
    },
    dispose: async () => undefined,
  };
}

const image: TensorSpec = { name: "x", dtype: "float32", dims: ["batch", 3, "height", "width"] };

describe("chooseFreeSize", () => {
  it("returns the first candidate size the model runs at, keeping the batch at 1", async () => {
    const fed: number[][] = [];
    expect(await chooseFreeSize(session([image], 64, fed), {})).toBe(64);
    const fed32: number[][] = [];
    expect(await chooseFreeSize(session([image], 32, fed32), {})).toBe(32);
    expect(fed32).toEqual([
      [1, 3, 64, 64],
      [1, 3, 32, 32],
    ]);
  });

  it("tries nothing without free dims or with the size given", async () => {
    const fed: number[][] = [];
    const fixed: TensorSpec = { name: "x", dtype: "float32", dims: ["batch", 3, 8, 8] };
    expect(await chooseFreeSize(session([fixed], 8, fed), {})).toBeUndefined();
    expect(await chooseFreeSize(session([image], 64, fed), { freeSize: 10 })).toBe(10);
    expect(await chooseFreeSize(session([image], 64, fed), { shapes: { x: [1, 3, 5, 5] } })).toBeUndefined();
    expect(fed).toEqual([]);
  });

  it("throws VALIDATE_INPUT_SHAPE naming the input and the --shape flag when no size runs", async () => {
    const e = await chooseFreeSize(session([image], 7, []), {}).catch((x: unknown) => x);
    expect(isReparamError(e) && e.code).toBe("VALIDATE_INPUT_SHAPE");
    expect(String((e as Error).message)).toMatch(/input 'x' \[batch, 3, height, width\]/);
    expect((e as { hint?: string }).hint).toBe("give the shapes: --shape x=d1,d2,...");
  });
});
