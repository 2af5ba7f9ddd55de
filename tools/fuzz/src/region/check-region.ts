import { type ConversionReport, isReparamError, memoryInput, memoryOutput, reparameterize } from "@reparam/core";
import { decodeModel, onnxAdapter } from "@reparam/onnx";
import { Rng } from "../rng.js";
import { type Dense, evaluateRegion } from "./evaluate-region.js";
import { checkRegionOutput } from "./region-bound.js";
import { regionOnnx } from "./region-onnx.js";
import type { RegionSpec } from "./region-spec.js";
import { opCounts, runRegion } from "./run-region.js";

/** Ops that compute a Linear map with weights: what collapsing counts. */
const WEIGHTED = ["Conv", "Gemm", "MatMul"];
/** Ops an exact region collapsed into one conv may still hold: a zero Pad in front, the non-linearities. */
const NEUTRAL = [...WEIGHTED, "Pad", "Relu", "LeakyRelu", "Identity"];

/** What one region gave. */
export interface RegionResult {
  readonly spec: RegionSpec;
  /** Set when a model's output left the bound, the converter threw, or the original missed the reference (a writer bug). */
  readonly mismatch?: { readonly what: "original" | "converter-error" | "converted"; readonly detail: string };
  /** Conv / Gemm / MatMul nodes before and after conversion. */
  readonly before: number;
  readonly after: number;
  /** Linear ops left beside them (BN, Mul, Add, Sub, Div, Sum, AveragePool; a MatMul's bias Add aside). */
  readonly leftover: number;
  /** after <= ideal, and for an exact region nothing else linear left. */
  readonly collapsed: boolean;
  readonly fused: number;
  readonly refused: readonly string[];
  /** max |y - R| / bound of the original and of the converted model. */
  readonly excess: { readonly original: number; readonly converted: number };
}

function weighted(model: Uint8Array): number {
  const counts = opCounts(model);
  return WEIGHTED.reduce((n, op) => n + (counts.get(op) ?? 0), 0);
}

/** Linear ops other than weighted ones, a MatMul's own bias Add (nn.Linear's spelling) aside. */
function leftover(model: Uint8Array): number {
  const nodes = decodeModel(model).graph?.node ?? [];
  const made = new Map(nodes.flatMap((n) => n.output.map((t) => [t, n.opType] as const)));
  return nodes.filter(
    (n) =>
      n.opType !== "Constant" &&
      !NEUTRAL.includes(n.opType) &&
      !(n.opType === "Add" && n.input.some((t) => made.get(t) === "MatMul")), // x W + b or b + x W
  ).length;
}

function errorText(e: unknown): string {
  if (isReparamError(e)) return `${e.code}: ${e.message}`;
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** The region's input: float32 values uniform in [-1, 1), from the seed. */
export function regionInput(spec: RegionSpec): Dense {
  const rng = new Rng(spec.seed * 5 + 11);
  const n = spec.inputShape.reduce((a, b) => a * b, 1);
  return { data: Float64Array.from({ length: n }, () => rng.f32(-1, 1)), shape: spec.inputShape };
}

/**
 * Runs one region: writes it as ONNX, runs it on onnxruntime-node against
 * the float64 reference (a miss there is the writer's bug), converts it with
 * the ONNX adapter through `reparameterize`, runs the converted model and
 * checks it within the region bound; counts what was collapsed.
 */
export async function checkRegion(spec: RegionSpec): Promise<RegionResult> {
  const model = regionOnnx(spec);
  const x = regionInput(spec);
  const value = evaluateRegion(spec, x);
  const magnitude = evaluateRegion(spec, x, true);
  const before = weighted(model);
  const base = { spec, before, after: before, leftover: leftover(model), collapsed: false, fused: 0, refused: [] };
  const excess = { original: 0, converted: 0 };
  try {
    const original = checkRegionOutput(spec, await runRegion(model, x), value, magnitude);
    excess.original = original.excess;
    if (!original.ok) return { ...base, excess, mismatch: { what: "original", detail: original.detail } };
  } catch (e) {
    return { ...base, excess, mismatch: { what: "original", detail: errorText(e) } };
  }
  let converted: Uint8Array;
  let report: ConversionReport;
  try {
    // The public API, as convertModel does it, with the ONNX adapter alone (no other adapter is loaded), and
    // chains: 'all', since the ideal is one conv per segment whatever it costs (the default leaves chains whose
    // one conv would need more multiply-adds than the chain, an engineering choice, not an inability).
    const output = memoryOutput("model.onnx");
    report = await reparameterize(onnxAdapter, memoryInput("model.onnx", model), output, { chains: "all" });
    converted = output.files.get("model.onnx")!;
  } catch (e) {
    return { ...base, excess, mismatch: { what: "converter-error", detail: errorText(e) } };
  }
  const after = weighted(converted);
  const left = leftover(converted);
  const counts = {
    before,
    after,
    leftover: left,
    // Fewer than the ideal counts too: the generator's cut is cautious (a zero pad no output reads at this size), and
    // whether the merge was exact is the bound's business below.
    collapsed: after <= spec.ideal && (spec.cut !== "none" || left === 0),
    fused: report.fused.length,
    refused: report.refused.map((r) => r.reason),
  };
  try {
    const out = checkRegionOutput(spec, await runRegion(converted, x), value, magnitude);
    excess.converted = out.excess;
    if (!out.ok) return { spec, ...counts, excess, mismatch: { what: "converted", detail: out.detail } };
  } catch (e) {
    return { spec, ...counts, excess, mismatch: { what: "converted", detail: errorText(e) } };
  }
  return { spec, ...counts, excess };
}
