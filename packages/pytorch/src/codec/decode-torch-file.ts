import { type ByteSource, ReparamError } from "@reparam/core";
import { decodeTorchLegacy } from "./decode-torch-legacy.js";
import { decodeTorchZip } from "./decode-torch-zip.js";
import type { TorchFile } from "./torch-file.js";
import { readChecked } from "./zip/_zip-fields.js";

/**
 * Decodes a `torch.save` file of either layout, told apart by its first
 * bytes: `PK\x03\x04` (zip archive) or a pickle (legacy). Reads the
 * structure only; tensor bytes stay in the file.
 *
 * @throws ReparamError `PYTORCH_NOT_A_CHECKPOINT`, `PYTORCH_UNSUPPORTED` (the
 *   tar layout of torch < 0.4), and the layouts' errors.
 */
export async function decodeTorchFile(source: ByteSource, where: string): Promise<TorchFile> {
  const head = await readChecked(source, 0, Math.min(source.size, 512), where);
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04)
    return decodeTorchZip(source, where);
  if (head[0] === 0x80) return decodeTorchLegacy(source, where);
  const tar = head.byteLength >= 262 && String.fromCharCode(...head.subarray(257, 262)) === "ustar";
  throw new ReparamError(
    tar ? "PYTORCH_UNSUPPORTED" : "PYTORCH_NOT_A_CHECKPOINT",
    tar ? "the tar layout of torch < 0.4" : "not a torch.save file",
    {
      where,
      expected: "a zip archive or a pickle (legacy layout)",
      found: tar ? "a tar archive" : `first byte 0x${(head[0] ?? 0).toString(16)}`,
    },
  );
}
