import { Rng } from "../rng.js";

/**
 * How an ONNX spelling writes a block. Fixed per spelling where it names the
 * spelling (`bn: "mul-add"` for `onnx/mul-add` ...); the rest is drawn from
 * the block's seed (opset, optional attributes, Add chain or Sum).
 */
export interface OnnxStyle {
  /** Opset of the default domain, 11 to 21. */
  readonly opset: number;
  readonly dtype: "float32" | "float16";
  /** BatchNormalization nodes, or Mul + Add with constants (scale t, shift beta - mean t). */
  readonly bn: "node" | "mul-add";
  /** PyTorch's eval export: a BN right after a conv is folded into the conv's weight and bias. */
  readonly foldConvBn: boolean;
  /** Pads as Conv attributes, as Pad nodes in front, auto_pad where it says the same, or one Pad node per distinct pads shared by the branches (CSE). */
  readonly pads: "attr" | "pad-node" | "auto-pad" | "shared-pad";
  /** Where weights live: initializers, Constant nodes, external data, or initializers also listed as graph inputs. */
  readonly constants: "initializer" | "constant-node" | "external" | "graph-input";
  /** Branches summed by a chain of Adds, or one Sum node. */
  readonly sum: "add-chain" | "sum-node";
  /** float16 models at opset >= 15: BatchNormalization's scale, bias, mean and var kept float32 (its T1/T2 types). */
  readonly bnParamsFloat32: boolean;
  /** Write `training_mode = 0` (opset >= 14), `momentum`. */
  readonly bnAttrs: { readonly trainingMode: boolean; readonly momentum: boolean };
  /** Leave out attributes at their defaults (strides 1, dilations 1, group 1, zero pads, kernel_shape). */
  readonly omitDefaults: boolean;
  /** Pad nodes at opset >= 18 with an `axes` input ([2, 3]) and 4 pads. */
  readonly padAxes: boolean;
  /** Shape of the graph output declared, or left out. */
  readonly outputDims: boolean;
}

/** The style of one spelling for one block: `fixed` fields, the others drawn from `seed`. */
export function onnxStyleFor(fixed: Partial<OnnxStyle>, seed: number): OnnxStyle {
  const rng = new Rng(seed * 31 + 17);
  const opset = fixed.opset ?? rng.int(11, 21);
  const dtype = fixed.dtype ?? "float32";
  return {
    opset,
    dtype,
    bn: fixed.bn ?? "node",
    foldConvBn: fixed.foldConvBn ?? false,
    pads: fixed.pads ?? "attr",
    constants: fixed.constants ?? "initializer",
    sum: fixed.sum ?? (rng.bool(0.25) ? "sum-node" : "add-chain"),
    bnParamsFloat32: fixed.bnParamsFloat32 ?? (dtype === "float16" && opset >= 15 && rng.bool(0.4)),
    bnAttrs: fixed.bnAttrs ?? { trainingMode: opset >= 14 && rng.bool(0.5), momentum: rng.bool(0.5) },
    omitDefaults: fixed.omitDefaults ?? rng.bool(0.4),
    padAxes: fixed.padAxes ?? (opset >= 18 && rng.bool(0.3)),
    outputDims: fixed.outputDims ?? rng.bool(0.5),
  };
}
