import type { FormatFacts } from "@reparam/core";

const SUFFIXES = [".pth", ".pt", ".ckpt", ".pth.tar"];

/** Starts like a legacy `torch.save` file: protocol 2, then the magic number as `LONG1` of 10 bytes. */
function looksLegacy(head: Uint8Array): boolean {
  const magic = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];
  return head.byteLength >= magic.length && magic.every((b, i) => head[i] === b);
}

/** Starts like a zip archive whose first entry is `<folder>/...` (what `torch.save` writes first). */
function looksZip(head: Uint8Array): boolean {
  if (head.byteLength < 31 || head[0] !== 0x50 || head[1] !== 0x4b || head[2] !== 0x03 || head[3] !== 0x04)
    return false;
  const n = head[26]! | (head[27]! << 8);
  const name = head.subarray(30, Math.min(30 + n, head.byteLength));
  return name.includes(0x2f); // "/"
}

/**
 * True for a PyTorch checkpoint: a `.pth`/`.pt`/`.ckpt` name, or bytes that
 * start like `torch.save`'s zip (an entry in a folder) or legacy layout
 * (the magic number). Imports nothing, so a host can tell formats apart
 * before it loads the adapter (`@reparam/pytorch/detect`).
 */
export function detectPytorch(name: string, head: Uint8Array): boolean {
  const lower = name.toLowerCase();
  if (SUFFIXES.some((s) => lower.endsWith(s))) return true;
  return looksLegacy(head) || looksZip(head);
}

/** What a host knows about PyTorch checkpoints before loading the adapter: one file, a state dict, no runtime. */
export const pytorchFormat: FormatFacts = {
  format: "pytorch",
  detect: detectPytorch,
  folder: false,
  suffixes: [".pth.tar"],
  dtypes: ["F32", "F16", "BF16", "F64", "I64"],
};
