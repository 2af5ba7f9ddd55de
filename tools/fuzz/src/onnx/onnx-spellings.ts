import type { BlockSpec } from "../block-spec.js";
import { fitsFloat16 } from "../fits-float16.js";
import { samePads1d } from "../same-pads.js";
import type { Spelling } from "../spelling.js";
import { onnxSpelling } from "./onnx-spelling.js";

/** Windows over x (conv and pool branches) and their pads. */
function windows(spec: BlockSpec): { k: readonly [number, number]; pads: readonly number[] }[] {
  return spec.branches.flatMap((b) =>
    b.kind === "conv"
      ? [{ k: [b.kernel.shape[2], b.kernel.shape[3]] as const, pads: b.pads }]
      : b.kind === "avgpool"
        ? [{ k: b.size, pads: b.pads }]
        : [],
  );
}

/** Two or more branches read x through the same non-zero pads: one shared Pad node after onnx-simplifier's CSE. */
function sharesPad(spec: BlockSpec): true | string {
  const seen = new Set<string>();
  for (const w of windows(spec)) {
    if (w.pads.every((p) => p === 0)) continue;
    const key = w.pads.join();
    if (seen.has(key)) return true;
    seen.add(key);
  }
  return "no two branches pad x alike";
}

/** Some branch's pads are SAME_UPPER or SAME_LOWER (non-zero) for its window. */
function hasAutoPad(spec: BlockSpec): true | string {
  const [h, w] = spec.inputSize;
  const s = spec.stride;
  for (const win of windows(spec)) {
    if (win.pads.every((p) => p === 0)) continue;
    for (const upper of [true, false]) {
      const [t, b] = samePads1d(h, win.k[0], s, upper);
      const [l, r] = samePads1d(w, win.k[1], s, upper);
      if ([t, l, b, r].every((p, i) => p === win.pads[i])) return true;
    }
  }
  return "no branch's pads are an auto_pad mode";
}

/**
 * Every ONNX spelling: exporters' forms (train export Conv -> BN, PyTorch
 * eval export with BN folded into the conv, BN as Mul + Add), pads as
 * attributes, Pad nodes or auto_pad, float16, weights in external data or
 * Constant nodes, weights also listed as graph inputs
 * (keep_initializers_as_inputs), branches sharing one Pad node
 * (onnx-simplifier's CSE); opsets 11 to 21 drawn per block.
 */
export const onnxSpellings: readonly Spelling[] = [
  onnxSpelling({ name: "onnx/conv-bn", style: {} }),
  onnxSpelling({ name: "onnx/eval-export", style: { foldConvBn: true } }),
  onnxSpelling({ name: "onnx/mul-add", style: { bn: "mul-add" } }),
  onnxSpelling({ name: "onnx/pad-node", style: { pads: "pad-node" } }),
  onnxSpelling({ name: "onnx/auto-pad", style: { pads: "auto-pad" }, accepts: hasAutoPad }),
  onnxSpelling({ name: "onnx/float16", style: { dtype: "float16" }, accepts: fitsFloat16 }),
  onnxSpelling({ name: "onnx/external-data", style: { constants: "external" } }),
  onnxSpelling({ name: "onnx/constant-nodes", style: { constants: "constant-node" } }),
  onnxSpelling({ name: "onnx/keep-initializers-as-inputs", style: { constants: "graph-input" } }),
  onnxSpelling({ name: "onnx/shared-pad", style: { pads: "shared-pad" }, accepts: sharesPad }),
];
