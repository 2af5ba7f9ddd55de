import type { FormatFacts } from "@reparam/core";

/** Tags of ModelProto fields 2-8 (length-delimited), what follows `ir_version` in a serialized model. */
const AFTER_IR_VERSION = new Set([0x12, 0x1a, 0x22, 0x2a, 0x32, 0x3a, 0x42]);

/**
 * True when `name` ends in `.onnx`, or `head` (the file's first bytes) starts
 * like a serialized ModelProto: `ir_version` (field 1, a varint 1..64), then
 * another ModelProto field. Imports nothing, so a host can tell formats apart
 * before it loads the adapter (`@reparam/onnx/detect`).
 */
export function detectOnnx(name: string, head: Uint8Array): boolean {
  if (name.toLowerCase().endsWith(".onnx")) return true;
  return head.length >= 3 && head[0] === 0x08 && head[1]! >= 1 && head[1]! <= 64 && AFTER_IR_VERSION.has(head[2]!);
}

/** What a host knows about ONNX before loading the adapter: one `.onnx` file (external data beside it), run by an ONNX runtime. */
export const onnxFormat: FormatFacts = {
  format: "onnx",
  detect: detectOnnx,
  folder: false,
  suffixes: [],
  runtime: "onnx",
  dtypes: ["float32", "float16", "bfloat16", "float64"],
};
