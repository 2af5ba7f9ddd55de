import type { BlockSpec } from "./block-spec.js";
import type { ModelFiles } from "./spelling.js";

const CONVS = new Set([
  "Conv2D",
  "_FusedConv2D",
  "DepthwiseConv2dNative",
  "FusedDepthwiseConv2dNative",
  "DepthwiseConv2D",
  "SeparableConv2D",
]);
/** Ops and layers that may stay around the fused conv: plumbing, the bias, the block's activation. */
const ALLOWED = new Set([
  "Const",
  "Placeholder",
  "Identity",
  "NoOp",
  "BiasAdd",
  "Relu",
  "InputLayer",
  "Activation",
  "ReLU",
]);

interface ModelJson {
  readonly modelTopology?: {
    readonly node?: readonly { readonly op: string }[];
    readonly model_config?: LayersConfig;
    readonly config?: LayersConfig["config"];
  };
}
interface LayersConfig {
  readonly config?: { readonly layers?: readonly { readonly class_name: string }[] };
}

/** Zero padding in front of the fused conv: how a layers model (no asymmetric pads on Conv2D) or a VALID conv pads. */
const PADS = new Set(["ZeroPadding2D", "Pad"]);

/**
 * The runner's fused check for TF.js models when a spelling has none: the
 * converted `model.json` holds exactly one conv (op or layer) and nothing of
 * the block besides plumbing, a BiasAdd, the activation and at most one
 * zero padding (the fused conv's own pads).
 */
export function tfjsFusedCheck(converted: ModelFiles, _stored: BlockSpec): true | string {
  const json = JSON.parse(new TextDecoder().decode(converted.files.get(converted.main)!)) as ModelJson;
  const topo = json.modelTopology;
  const kinds =
    topo?.node?.map((n) => n.op) ??
    (topo?.model_config?.config ?? topo?.config)?.layers?.map((l) => l.class_name) ??
    [];
  const convs = kinds.filter((k) => CONVS.has(k)).length;
  const pads = kinds.filter((k) => PADS.has(k)).length;
  const left = kinds.filter((k) => !CONVS.has(k) && !ALLOWED.has(k) && !PADS.has(k));
  if (convs === 1 && pads <= 1 && left.length === 0) return true;
  if (pads > 1) left.push(`${pads} paddings`);
  return `${convs} convs${left.length === 0 ? "" : `, left: ${left.join(", ")}`}`;
}
