/** A plain JSON value, as found in the `metadata` of a `*.safetensors.index.json`. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };
