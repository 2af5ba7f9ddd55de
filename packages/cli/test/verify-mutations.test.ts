// Issue #17: a conversion with any single weight of any fused conv changed by 1e-2, or by 1e-3 of
// its tensor's max|w|, is rejected, naming the block. The walk visits many positions of every
// fused kernel and bias of sample models in every format (float32 storage: a float16 weight is
// itself rounded by 2^-11 relative, more than a 1e-3 change is worth). MUTATION_POSITIONS sets
// the positions per tensor (default 2; "all" for every one); MUTATION_FULL=1 walks every small
// architecture in every format instead of the sample in every format and the others in ONNX.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Decision, DeployConv } from "@reparam/core";
import { verifyBlocks } from "@reparam/validate";
import { afterAll, describe, expect, it } from "vitest";
import { conformanceCases, fixturesDir } from "../../../tools/conformance/src/index.js";
import { convertModel } from "../src/convert-model.js";
import { openVerification } from "../src/verify-model.js";
import { generatedCorpus, type CorpusEntry } from "./_exactness-corpus.js";

const dir = mkdtempSync(join(tmpdir(), "reparam-mutations-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PER_TENSOR = process.env.MUTATION_POSITIONS ?? "2";
const FULL = process.env.MUTATION_FULL === "1";

/** Positions to change in a tensor of n values: all, or the first, the last and evenly spread ones between. */
function positions(n: number): number[] {
  const k = PER_TENSOR === "all" ? n : Math.min(n, Number(PER_TENSOR));
  return Array.from({ length: k }, (_, i) => (k === 1 ? 0 : Math.round((i * (n - 1)) / (k - 1))));
}

/** The deploy conv with one kernel (or bias) value changed by `delta`, stored back in float32 as a file would hold it. */
function mutated(conv: DeployConv, part: "kernel" | "bias", at: number, delta: number): DeployConv {
  const values = Float64Array.from(part === "kernel" ? conv.kernel.data : conv.bias);
  values[at] = Math.fround(values[at]! + delta);
  return part === "kernel" ? { ...conv, kernel: { ...conv.kernel, data: values } } : { ...conv, bias: values };
}

const maxAbs = (v: ArrayLike<number>) => Array.from(v).reduce((m, x) => Math.max(m, Math.abs(x)), 0);

interface Walk {
  tried: number;
  falseAccepts: string[];
  blocks: number;
}

async function walk(e: CorpusEntry, i: number, out: Walk): Promise<void> {
  const options = e.eps === undefined ? {} : { eps: e.eps };
  mkdirSync(join(dir, `m${i}`), { recursive: true }); // -o into a missing folder is an error
  const converted = await convertModel(e.path, {
    ...options,
    output: join(
      dir,
      `m${i}`,
      e.path.endsWith(".onnx") ? "d.onnx" : e.path.endsWith(".safetensors") ? "d.safetensors" : "d",
    ),
  });
  const v = await openVerification(e.path, converted.output, options);
  try {
    for (const d of v.decisions.filter((x): x is Decision & { kind: "fuse" } => x.kind === "fuse")) {
      const conv = await v.deployConv!(d);
      expect(conv, `${e.label} ${d.candidate.name}: its conv in the converted model`).toBeDefined();
      out.blocks++;
      for (const part of ["kernel", "bias"] as const) {
        const values = part === "kernel" ? conv!.kernel.data : conv!.bias;
        const scale = maxAbs(values);
        for (const at of positions(values.length)) {
          for (const delta of [1e-2, -1e-3 * scale]) {
            const report = await verifyBlocks([d], {
              backend: "cpu",
              count: 1,
              deployConv: async () => mutated(conv!, part, at, delta),
            });
            out.tried++;
            const b = report.blocks[0]!;
            if (report.passed || b.status !== "failed" || b.name !== d.candidate.name)
              out.falseAccepts.push(`${e.label} ${d.candidate.name} ${part}[${at}] ${delta}: ${b.status}`);
          }
        }
      }
    }
  } finally {
    await v.close();
  }
}

describe("verify rejects any single changed weight of a fused conv, naming its block", () => {
  it("walks every fused kernel and bias of sample models in every format", async () => {
    const archs = ["repvgg-sample", "qarepvgg", "mobileone", "acnet", "dbb", "yolov7"];
    const all = await generatedCorpus(join(dir, "gen"), archs);
    const generated = FULL ? all : all.filter((e) => e.label.startsWith("repvgg-sample ") || e.label.endsWith(" onnx"));
    const se = conformanceCases().find((c) => c.name === "repvgg_se_eps")!; // near-zero variances, eps 1e-3
    const corpus: CorpusEntry[] = [
      ...generated,
      { label: "conformance repvgg_se_eps onnx", path: `${fixturesDir}${se.onnx.train}` },
      { label: "conformance repvgg_se_eps safetensors", path: `${fixturesDir}${se.safetensors.train}`, eps: 1e-3 },
      { label: "conformance repvgg_se_eps tfjs graph", path: `${fixturesDir}tfjs/repvgg_se_eps/graph` },
    ];
    const out: Walk = { tried: 0, falseAccepts: [], blocks: 0 };
    for (const [i, e] of corpus.entries()) await walk(e, i, out);
    console.log(
      `mutations: ${corpus.length} models, ${out.blocks} fused blocks, ${out.tried} single-weight changes, false accepts ${out.falseAccepts.length}`,
    );
    expect(out.falseAccepts).toEqual([]);
    expect(out.blocks).toBeGreaterThan(FULL ? 150 : 60);
  }, 900_000);
});
