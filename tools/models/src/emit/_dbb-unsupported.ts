import { ReparamError } from "@reparam/core";
import type { ArchBlock } from "../arch/arch.js";

/**
 * Throws when a DBB block cannot be written as a TF.js model: grouped or
 * depthwise DBB blocks have a grouped `conv2` (2 input channels per group in
 * the depthwise case), which TF.js has no op for; and TF 'same' padding
 * pads (0, 1) at stride 2 on even inputs where BNAndPad pads (1, 1), which
 * would not be one conv any more.
 *
 * @throws ReparamError `MODELS_UNSUPPORTED`.
 */
export function checkTfjsDbb(b: ArchBlock, format: string, padding: "explicit" | "same" = "explicit"): void {
  if (b.groups > 1) {
    throw new ReparamError("MODELS_UNSUPPORTED", `${format} cannot express a grouped DBB block`, {
      where: b.path,
      expected: "a DBB block with groups 1",
      found: `groups ${b.groups} (dbb_1x1_kxk.conv2 is grouped: TF.js has no grouped conv)`,
      hint: `use ONNX or safetensors for grouped or depthwise DBB blocks`,
    });
  }
  if (padding === "same") {
    throw new ReparamError("MODELS_UNSUPPORTED", `${format} with TF 'same' padding cannot express DBB's BNAndPad`, {
      where: b.path,
      expected: "--tfjs-padding explicit",
      found: "same",
    });
  }
}
