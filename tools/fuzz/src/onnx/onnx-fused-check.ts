import { decodeModel } from "@reparam/onnx";
import type { BlockSpec } from "../block-spec.js";
import type { ModelFiles } from "../spelling.js";

/**
 * True when the converted model is the fused block: one Conv and nothing
 * else of the block (no BatchNormalization, Add, Mul, Pad, pool left), ReLU
 * after it when the block had one; Constant nodes holding weights aside. A
 * lone conv+BN may keep the Pad node in front of it: the Pad was never part
 * of that block (the conv folds its BN and reads the Pad as before).
 * Otherwise what is left, e.g. `ops Conv, Conv, Add`.
 */
export function onnxFusedCheck(converted: ModelFiles, stored: BlockSpec): true | string {
  const proto = decodeModel(converted.files.get(converted.main)!);
  const lone = stored.branches.length === 1 && stored.postBn === undefined;
  const ops = (proto.graph?.node ?? []).map((n) => n.opType).filter((op) => op !== "Constant");
  if (lone && ops[0] === "Pad") ops.shift();
  const want = stored.activation === "relu" ? ["Conv", "Relu"] : ["Conv"];
  return ops.join() === want.join() ? true : `ops ${ops.join(", ") || "(none)"}, expected ${want.join(", ")}`;
}
