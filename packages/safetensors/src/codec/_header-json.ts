import type { TensorInfo } from "./tensor-info.js";

/**
 * The header JSON as serde_json's compact `to_string` writes it: no spaces,
 * `__metadata__` first when present, then the tensors in the given order,
 * each as `{"dtype":..,"shape":[..],"data_offsets":[b,e]}`. JSON.stringify
 * escapes strings exactly like serde_json for well-formed strings (`\"`,
 * `\\`, `\b\f\n\r\t`, other controls as lowercase `\u00xx`, the rest raw).
 */
export function headerJson(
  metadata: Readonly<Record<string, string>> | undefined,
  tensors: readonly TensorInfo[],
): string {
  const parts: string[] = [];
  if (metadata !== undefined) {
    const fields = Object.entries(metadata).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
    parts.push(`"__metadata__":{${fields.join(",")}}`);
  }
  for (const t of tensors) {
    parts.push(
      `${JSON.stringify(t.name)}:{"dtype":"${t.dtype}","shape":[${t.shape.join(",")}],"data_offsets":[${t.begin},${t.end}]}`,
    );
  }
  return `{${parts.join(",")}}`;
}
