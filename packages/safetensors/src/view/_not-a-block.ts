import { deployKey, isIndexed, kernelKey } from "./schemes/_scheme-paths.js";
import type { NamingScheme } from "./schemes/naming-scheme.js";
import type { TensorInfo } from "../codec/tensor-info.js";

/**
 * Why a prefix that has the scheme's main weight is no block of it, or
 * undefined when it is one:
 * - `fused`: a deploy conv named as the main conv (UniRepLKNet's
 *   `lk_origin`), with its bias and without the main BatchNorm: already
 *   converted, its keys are the deploy ones;
 * - `other`: another module under the same name: none of `markedBy`
 *   (RepViT's 1x1 `conv1`) or one of `notMarkedBy`, a required scale missing
 *   (PP-YOLOE's `alpha` marks the family; CSP stages have `conv1`/`conv2`
 *   too), a main Linear rule whose weight is not 2-D (the `Conv2d_BN`
 *   beside LeViT's `Linear_BN`), or a main kernel under the rule's
 *   `minKernel` (a CSP stage's 1x1 `conv1`), or not depthwise when the
 *   rule says `depthwise` (a dense conv called `pe`), or a branch whose
 *   kernel is not its rule's `kernel` (a CSP block's 5x5 `conv2`).
 *
 * @param mainPath - the main conv's module path under this prefix, placeholders filled.
 */
export function notABlock(
  scheme: NamingScheme,
  prefix: string,
  mainPath: string,
  has: (k: string) => boolean,
  info: (k: string) => TensorInfo,
): "fused" | "other" | undefined {
  const main = scheme.branches[0];
  const shape = info(prefix + kernelKey(mainPath, main.bare)).shape;
  if (main.linear === true && shape.length !== 2) return "other";
  const min = main.minKernel;
  if (min !== undefined && shape.length === 4 && (shape[2]! < min || shape[3]! < min)) return "other";
  if (main.depthwise === true && shape.length === 4 && shape[1] !== 1) return "other";
  for (const r of scheme.branches) {
    if (!("conv" in r) || r.kernel === undefined || isIndexed(r.conv)) continue;
    const key = prefix + kernelKey(r.conv, r.bare);
    const t = has(key) ? info(key).shape : undefined;
    if (t !== undefined && t.length === 4 && (t[2] !== r.kernel || t[3] !== r.kernel)) return "other";
  }
  if (scheme.markedBy !== undefined && !scheme.markedBy.some((k) => has(prefix + k))) return "other";
  if (scheme.notMarkedBy?.some((k) => has(prefix + k)) === true) return "other";
  for (const r of scheme.branches)
    if ("scale" in r && r.scaleRequired === true && r.scale !== undefined && !has(prefix + r.scale)) return "other";
  const deployed =
    main.conv === scheme.deploy &&
    main.bn !== undefined &&
    has(prefix + deployKey(scheme.deploy, "bias")) &&
    !has(`${prefix}${main.bn}.running_var`);
  return deployed ? "fused" : undefined;
}
