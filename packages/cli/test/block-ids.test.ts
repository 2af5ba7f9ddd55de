import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildModel, encodeModel, type InitializerSpec, type NodeSpec } from "@reparam/onnx";
import { randomFloat32, seededRandom } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import { reparam, tempDir } from "./run-cli.js";

const c = 2;

/**
 * Two Conv + bias Add pairs named the way paddle2onnx names nodes
 * (`p2o.Conv.0`, `p2o.Add.0`): both blocks are named `p2o`; their output
 * tensors `t0` and `y` tell them apart.
 */
function p2oModel(dir: string): string {
  const rand = seededRandom(2201);
  const nodes: NodeSpec[] = [];
  const initializers: InitializerSpec[] = [];
  for (const [i, x, out] of [
    [0, "x", "t0"],
    [1, "r0", "y"],
  ] as const) {
    nodes.push(
      { op: "Conv", name: `p2o.Conv.${i}`, inputs: [x, `conv${i}.w`], outputs: [`c${i}`] },
      { op: "Add", name: `p2o.Add.${i}`, inputs: [`c${i}`, `conv${i}.b`], outputs: [out] },
    );
    initializers.push(
      { name: `conv${i}.w`, dims: [c, c, 1, 1], data: randomFloat32(rand, c * c) },
      { name: `conv${i}.b`, dims: [1, c, 1, 1], data: randomFloat32(rand, c) },
    );
  }
  nodes.splice(2, 0, { op: "Relu", name: "p2o.Relu.0", inputs: ["t0"], outputs: ["r0"] });
  const model = buildModel({
    opset: 13,
    inputs: [{ name: "x", dims: [1, c, 4, 4] }],
    outputs: [{ name: "y" }],
    nodes,
    initializers,
  });
  const file = join(dir, "p2o.onnx");
  writeFileSync(file, encodeModel(model));
  return file;
}

interface Named {
  name: string;
  id: string;
  family?: string;
  why?: string;
}

describe("block ids of blocks that share a name", () => {
  it("lists distinct ids in inspect's table and --json, and names a conv + bias Add conv-affine", () => {
    const file = p2oModel(tempDir());
    const json = reparam("inspect", file, "--json");
    expect(json.code, json.stderr).toBe(0);
    const blocks = (JSON.parse(json.stdout) as { blocks: Named[] }).blocks;
    expect(blocks.map((b) => [b.name, b.id, b.family])).toEqual([
      ["p2o", "t0", "conv-affine"],
      ["p2o", "y", "conv-affine"],
    ]);
    const text = reparam("inspect", file);
    expect(text.stdout).toMatch(/^block\s+id\s+family/m);
    expect(text.stdout).toMatch(/^p2o\s+t0\s+conv-affine/m);
    expect(text.stdout).toMatch(/^p2o\s+y\s+conv-affine/m);
  });

  it("excludes exactly the block whose id --exclude gives, and both by their shared name", () => {
    const dir = tempDir();
    const file = p2oModel(dir);
    const one = reparam("convert", file, "-o", join(dir, "one.onnx"), "--exclude", "t0", "--json");
    expect(one.code, one.stderr).toBe(0);
    const out = JSON.parse(one.stdout) as {
      report: { fused: Named[]; skipped: Named[]; families: Record<string, number> };
      warnings: unknown[];
    };
    expect(out.report.skipped).toEqual([{ name: "p2o", id: "t0", why: "excluded by 't0'" }]);
    expect(out.report.fused.map((f) => [f.name, f.id])).toEqual([["p2o", "y"]]);
    expect(out.report.families).toEqual({ "conv-affine": 1 });
    expect(out.warnings).toEqual([]);
    const text = reparam("convert", file, "-o", join(dir, "text.onnx"), "--exclude", "t0");
    expect(text.stderr + text.stdout).toContain("skipped p2o [id t0]: excluded by 't0'");
    const both = reparam("convert", file, "-o", join(dir, "both.onnx"), "--exclude", "p2o", "--json");
    const skipped = (JSON.parse(both.stdout) as { report: { skipped: Named[] } }).report.skipped;
    expect(skipped.map((s) => s.id)).toEqual(["t0", "y"]);
  });
});
