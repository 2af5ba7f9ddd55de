import { ReparamError } from "@reparam/core";
import type { TensorInfo } from "./tensor-info.js";

/**
 * Sorts tensors by `[begin, end]` (the reference reader's order) and checks
 * that they tile the data section: the first begins at 0, each begins where
 * the previous ends (no hole, no overlap), the last ends at `dataSize`.
 *
 * @returns the tensors in data order.
 * @throws ReparamError `SAFETENSORS_BAD_OFFSETS`; `SAFETENSORS_TRUNCATED`
 *   when the tensors run past the end of the file.
 */
export function checkContiguous(tensors: readonly TensorInfo[], dataSize: number, label: string): TensorInfo[] {
  const sorted = [...tensors].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let offset = 0;
  let previous: TensorInfo | undefined;
  for (const t of sorted) {
    if (t.begin !== offset) {
      const what = t.begin > offset ? "a hole" : "an overlap";
      const after =
        previous === undefined ? "the start of the data section" : `tensor ${JSON.stringify(previous.name)} ends`;
      throw new ReparamError("SAFETENSORS_BAD_OFFSETS", `tensor data has ${what}: tensors must be contiguous`, {
        where: `${label} tensor ${JSON.stringify(t.name)} data_offsets`,
        expected: `begin ${offset} (where ${after})`,
        found: `[${t.begin}, ${t.end}]`,
      });
    }
    offset = t.end;
    previous = t;
  }
  if (offset > dataSize) {
    throw new ReparamError("SAFETENSORS_TRUNCATED", "the file ends before the tensor data the header describes", {
      where: `${label} data section`,
      expected: `${offset} bytes of tensor data`,
      found: `${dataSize} bytes`,
    });
  }
  if (offset < dataSize) {
    throw new ReparamError(
      "SAFETENSORS_BAD_OFFSETS",
      "the tensors do not cover the data section up to the end of the file",
      {
        where: `${label} data section`,
        expected: `the last tensor to end at ${dataSize}`,
        found:
          previous === undefined
            ? `no tensors, ${dataSize} bytes of data`
            : `${JSON.stringify(previous.name)} ends at ${offset}`,
      },
    );
  }
  return sorted;
}
