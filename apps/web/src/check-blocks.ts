import { UNIT_ROUNDOFF, type Decision, type DeployConv } from "@reparam/core";
import {
  BLOCK_CHECK_OUTPUTS,
  blockBound,
  blockCheckModel,
  compareTensors,
  condenseReason,
  magnitudeBlock,
  magnitudeConv,
  notFusedCheck,
  type BackendName,
  type BlockCheck,
  type BlockCheckReport,
  type ModelSession,
  type OutputComparison,
  type SingleConv,
  type SkippedBackend,
} from "@reparam/validate/browser";
import type { PageRuntime } from "./page-runtimes.js";
import { seededSamples } from "./seeded-samples.js";

type FuseDecision = Decision & { readonly kind: "fuse" };

/** The conv that stands for a fused block in the converted model (an adapter's `deployConv`), or undefined. */
export type DeployConvOf = (d: FuseDecision) => Promise<DeployConv | undefined>;

const NO_TOLERANCES = { atol: 0, rtol: 0, scale: 0 };

/**
 * Checks each fused block on its own, as `@reparam/validate`'s verifyBlocks
 * does: the block's branches (read from the original) and the conv that
 * stands for it in the converted model go into validate's one-session
 * check model with their magnitude models, run on seeded [1, C, H, W]
 * inputs (H x W the block's input size, else 8 x 8) on the first runtime
 * that works, and every element must stay within the block's derived bound.
 */
export async function checkBlocks(
  decisions: readonly Decision[],
  runtimes: readonly PageRuntime[],
  deployConv: DeployConvOf | undefined,
  onBlock?: (done: number, total: number) => void,
): Promise<BlockCheckReport> {
  const skipped: SkippedBackend[] = [];
  const blocks: BlockCheck[] = [];
  const total = decisions.filter((d) => d.kind === "fuse").length;
  let done = 0;
  for (const d of decisions) {
    if (d.kind !== "fuse") blocks.push(notFusedCheck(d)!);
    else {
      blocks.push(await checkBlock(d, runtimes, deployConv, skipped));
      onBlock?.(++done, total);
    }
  }
  const fused = blocks.filter((b) => b.status !== "not-fused");
  return {
    requested: "auto",
    skipped,
    tolerances: NO_TOLERANCES,
    bounded: true,
    blocks,
    checked: fused.filter((b) => b.outputs.length > 0).length,
    passed: fused.every((b) => b.status === "passed"),
  };
}

async function checkBlock(
  d: FuseDecision,
  runtimes: readonly PageRuntime[],
  deployConv: DeployConvOf | undefined,
  skipped: SkippedBackend[],
): Promise<BlockCheck> {
  const { name, family } = d.candidate;
  let model: { bytes: Uint8Array; inputShape: number[]; unit: number; terms: number };
  try {
    const block = await d.candidate.load();
    const given = deployConv === undefined ? undefined : await deployConv(d);
    if (deployConv !== undefined && given === undefined)
      return {
        name,
        family,
        status: "not-fused",
        why: "the converted model does not have this block as one conv",
        outputs: [],
      };
    const conv: SingleConv & { unit: number } = given ?? { ...(await d.fused()), unit: UNIT_ROUNDOFF.float32 };
    const [h, w] = block.inputSize ?? [8, 8];
    const inputShape = [1, block.inChannels, h, w];
    const magnitude = { block: magnitudeBlock(block), conv: magnitudeConv(conv) };
    const [, iPer, kh, kw] = conv.kernel.shape;
    const bytes = blockCheckModel(block, conv, magnitude, inputShape);
    model = { bytes, inputShape, unit: conv.unit, terms: iPer * kh * kw };
  } catch (e) {
    return { name, family, status: "error", why: condenseReason(e), outputs: [] };
  }
  const dead = new Set(skipped.map((s) => s.backend));
  for (const rt of runtimes) {
    if (dead.has(rt.backend as BackendName)) continue;
    let session: ModelSession | undefined;
    try {
      // The check model is already in memory: handed over as bytes (the empty Blob is never read).
      const main = { path: `${name}.check.onnx`, blob: new Blob([]) };
      session = await rt.open({ label: `${name} (block check)`, main, files: [], bytes: model.bytes });
      const x = session.inputs.find((i) => i.name === "x")!;
      const outputs: OutputComparison[] = [];
      for (const s of seededSamples([x])) {
        const f = s.feeds[0]!;
        const out = await session.run([f, { ...f, name: "ax", data: Float32Array.from(f.data, Math.abs) }]);
        const [b, a, mb, ma] = BLOCK_CHECK_OUTPUTS.map((n) => out[session!.outputs.findIndex((o) => o.name === n)]!);
        const bound = blockBound(mb!.data, ma!.data, model.terms, model.unit);
        outputs.push(compareTensors({ ...a!, name: "y" }, { ...b!, name: "y" }, NO_TOLERANCES, bound));
      }
      const passed = outputs.length > 0 && outputs.every((o) => o.passed);
      const used = outputs.some((o) => o.used === null) ? null : Math.max(0, ...outputs.map((o) => o.used ?? 0));
      const backend = rt.backend as BackendName;
      return {
        name,
        family,
        status: passed ? "passed" : "failed",
        backend,
        inputShape: model.inputShape,
        used,
        outputs,
      };
    } catch (e) {
      skipped.push({ backend: rt.backend as BackendName, runtime: rt.runtime, reason: condenseReason(e) });
    } finally {
      await session?.dispose().catch(() => undefined);
    }
  }
  return {
    name,
    family,
    status: "error",
    why: "no backend could run the block's models",
    inputShape: model.inputShape,
    outputs: [],
  };
}
