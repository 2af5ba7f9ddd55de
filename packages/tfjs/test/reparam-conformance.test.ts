/// <reference types="node" />
// Golden test on the conformance TF.js fixtures: every case's layers,
// layers-sharded and graph variants, re-parameterized by tfjsAdapter and run
// by TF.js (cpu; wasm for layers and graph), match output.nhwc.bin within
// 1e-5 * max|output| and keep one conv per block (as many convs as the
// reference layers-deploy model).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeModelJson } from "../src/index.js";
import type { GraphDefJson } from "../src/index.js";
import { convertAndRun, countConvs, opsOf } from "./convert.js";
import { TFJS_FIXTURES, readFloat32, tfjsCases, variantSource } from "./fixtures.js";
import type { TfjsCase, Variant } from "./fixtures.js";

const TOLERANCE = 1e-5;
const cases = tfjsCases();
const manifest = JSON.parse(readFileSync(join(TFJS_FIXTURES, "manifest.json"), "utf8")) as {
  cases: { name: string; blocks: unknown[] }[];
};
const blocksOf = (c: TfjsCase): number => manifest.cases.find((x) => x.name === c.name)!.blocks.length;
const deployConvs = (c: TfjsCase): number => countConvs(decodeModelJson(variantSource(c, "layers-deploy").modelJson));

const table = cases.flatMap((c) =>
  (["layers", "layers-sharded", "graph"] as const).flatMap((v) =>
    (["cpu", "wasm"] as const)
      .filter((b) => b === "cpu" || v !== "layers-sharded")
      .map((b) => [c.name, v, b, c] as const),
  ),
);

describe("conformance TF.js fixtures re-parameterized by tfjsAdapter", () => {
  it.each(table)(
    "%s/%s on %s: fuses every block, and the output matches the fixture's",
    async (_name, v: Variant, backend, c) => {
      const src = variantSource(c, v);
      const res = await convertAndRun(
        src,
        readFloat32(c.input.file),
        c.input.shape,
        {},
        backend,
        readFloat32(c.output.file),
      );
      console.log(`conformance ${c.name}/${v} ${backend}: max|diff|/max|output| = ${res.ratio.toExponential(3)}`);
      expect(res.ratio).toBeLessThanOrEqual(TOLERANCE);
      expect(res.report.refused).toEqual([]);
      expect(res.report.fused).toHaveLength(blocksOf(c));
      expect(countConvs(res.json)).toBe(deployConvs(c));
      // No BN, sum or Pad is left: each block is one conv (a ZeroPadding2D may stand in front of it).
      const ops = opsOf(res.json);
      for (const gone of ["BatchNormalization", "Add", "FusedBatchNormV3", "Pad", "AddV2"])
        expect(ops).not.toContain(gone);
      const original = JSON.parse(new TextDecoder().decode(src.modelJson)) as Record<string, unknown>;
      const { modelTopology: _t, weightsManifest: _m, ...rest } = original;
      const { modelTopology: _t2, weightsManifest: _m2, ...rest2 } = res.json;
      expect(rest2).toEqual(rest);
      expect(Object.keys(res.json)).toEqual(Object.keys(original));
      if (v === "graph") {
        const nodes = (res.json.modelTopology as GraphDefJson).node ?? [];
        // Every Const left has its weight, and every weight its Const.
        const consts = nodes
          .filter((n) => n.op === "Const")
          .map((n) => n.name)
          .sort();
        expect(res.json.weightsManifest?.flatMap((g) => g.weights.map((w) => w.name)).sort()).toEqual(consts);
      }
    },
  );
});
