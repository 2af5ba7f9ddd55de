/**
 * How branches are written:
 * - `train`: Conv (no bias) -> BatchNormalization per branch, as an export
 *   without constant folding gives (`do_constant_folding=False` or training
 *   mode), identity BN as BatchNormalization of the block input;
 * - `folded`: the PyTorch eval export, every conv+BN folded into one Conv
 *   with bias (`onnx::Conv_<n>`), identity and post-sum BNs left as
 *   BatchNormalization.
 * A deploy-form architecture gives one Conv with bias per block either way.
 */
export type OnnxVariant = "train" | "folded";
