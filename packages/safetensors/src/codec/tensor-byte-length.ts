import { ReparamError } from "@reparam/core";
import { type SafetensorsDtype, dtypeBits } from "./dtype.js";

/**
 * Byte length of a tensor: product(shape) * bits(dtype) / 8, computed exactly
 * (BigInt), so that no shape can overflow into a small wrong number.
 *
 * Follows the reference reader's rule for sub-byte dtypes: the element count
 * times the bit size must be a whole number of bytes (an `F4` tensor needs an
 * even element count, `F6_*` a multiple of 4); it is an error otherwise, not a
 * rounded-up length.
 *
 * @param dtype - element dtype.
 * @param shape - dims; each must be a non-negative safe integer. `[]` is a scalar (1 element).
 * @param where - where the tensor is, for the error message.
 * @returns the byte length, at most `Number.MAX_SAFE_INTEGER`.
 * @throws ReparamError `SAFETENSORS_BAD_SHAPE` for a bad dim, a length past
 *   2^53 - 1 (overflow) or a sub-byte tensor that does not end on a byte.
 */
export function tensorByteLength(dtype: SafetensorsDtype, shape: readonly number[], where = "tensor"): number {
  let elements = 1n;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (typeof d !== "number" || !Number.isSafeInteger(d) || d < 0) {
      throw new ReparamError("SAFETENSORS_BAD_SHAPE", "shape has a dim that is not a non-negative integer", {
        where: `${where} shape[${i}]`,
        expected: "an integer in [0, 2^53 - 1]",
        found: String(d),
      });
    }
    elements *= BigInt(d);
  }
  const bits = elements * BigInt(dtypeBits(dtype));
  if (bits % 8n !== 0n) {
    throw new ReparamError("SAFETENSORS_BAD_SHAPE", `${dtype} tensor does not fill a whole number of bytes`, {
      where,
      expected: `element count * ${dtypeBits(dtype)} bits to be a multiple of 8`,
      found: `${elements} elements = ${bits} bits (shape [${shape.join(",")}])`,
    });
  }
  const bytes = bits / 8n;
  if (bytes > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new ReparamError("SAFETENSORS_BAD_SHAPE", "shape overflows: the tensor byte length is too large", {
      where,
      expected: "product(shape) * dtype size <= 2^53 - 1 bytes",
      found: `[${shape.join(",")}] ${dtype} = ${bytes} bytes`,
    });
  }
  return Number(bytes);
}
