import type { ConvertOptions } from "@reparam/core";
import type { NamingScheme } from "./view/schemes/naming-scheme.js";

/**
 * Options of `safetensorsAdapter`: core's {@link ConvertOptions} plus
 * - `eps` (default: the scheme's, e.g. `yolov9`'s 1e-3, else 1e-5, PyTorch's):
 *   BatchNorm epsilon, not stored in a state dict (YOLO training uses 1e-3);
 * - `scheme`: a built-in scheme name (`repvgg`, `timm-repvgg`,
 *   `timm-mobileone`, `mobileone`, `yolov7`, `qarepvgg`, `acnet`, `dbb`,
 *   `yolov9`, `ppyoloe`, `timm-fastvit-repmixer`, `timm-fastvit-repcpe`,
 *   `replknet`, `unireplknet`, `repvit`, `linear-bn`, `rtdetr`, `yolov10`,
 *   `timm-repghost`, `doctr-fast`, `timm-ghostnetv3`, `pplcnetv3`, `timm-nextvit`, `repnext`, `span`, `ecbsr`, `orepa`; see `BUILTIN_SCHEMES`)
 *   or the JSON text of a custom scheme; detected from the keys when absent;
 * - `dtype`: `keep` (default: each fused tensor in its block's dtype), or
 *   `f32`/`f16` for every fused tensor (other tensors are copied as they are).
 */
export interface SafetensorsConvertOptions extends ConvertOptions {
  /** A custom naming scheme as an object (overrides `scheme`). */
  readonly namingScheme?: NamingScheme;
  /** Keep the post-sum BatchNorm (QARepVGG `bn`) for quantization-aware training instead of folding it. */
  readonly keepPostBn?: boolean;
  /**
   * Blocks (substring or `*` glob of the block name) whose stride is not 1:
   * no bare identity (QARepVGG, which has no keys for it) is assumed there
   * even when in == out channels.
   */
  readonly strided?: readonly string[];
  /**
   * Memory budget (bytes, default 4 MiB) for fusing a large dense block a
   * few output channels at a time: kernel rows are read, fused and written
   * in chunks of about this size instead of whole. The bytes written are the same.
   */
  readonly fuseChunkBytes?: number;
}
