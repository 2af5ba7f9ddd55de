/** A Keras tensor: output `tensor` of call `node` of layer `layer`. */
export interface TensorRef {
  readonly layer: string;
  readonly node: number;
  readonly tensor: number;
}

/**
 * A tensor's id in the graph view: the layer name for its first call's first
 * output (the common case, so block names read like layer names), else
 * `layer:node:tensor`.
 */
export function tensorId(ref: TensorRef): string {
  return ref.node === 0 && ref.tensor === 0 ? ref.layer : `${ref.layer}:${ref.node}:${ref.tensor}`;
}

type Json = unknown;

const isObj = (v: Json): v is Record<string, Json> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Keras 2 / tfjs-layers: `[layerName, nodeIndex, tensorIndex, kwargs?]`. */
function isRefArray(v: Json): v is [string, number, number, ...Json[]] {
  return (
    Array.isArray(v) && typeof v[0] === "string" && Number.isInteger(v[1]) && Number.isInteger(v[2]) && v.length <= 4
  );
}

/** Keras 3: `{class_name: "__keras_tensor__", config: {keras_history: [layer, node, tensor]}}`. */
function historyOf(v: Json): [string, number, number] | undefined {
  if (!isObj(v) || !isObj(v.config)) return undefined;
  const h = v.config.keras_history;
  return isRefArray(h) ? [h[0], h[1], h[2]] : undefined;
}

/**
 * Rebuilds a JSON value with every tensor reference in it (either spelling)
 * passed through `fn`; collects them when `fn` returns its argument.
 */
export function mapRefs(value: Json, fn: (ref: TensorRef) => TensorRef): Json {
  if (isRefArray(value)) {
    const r = fn({ layer: value[0], node: value[1], tensor: value[2] });
    return [r.layer, r.node, r.tensor, ...value.slice(3)];
  }
  const h = historyOf(value);
  if (h !== undefined && isObj(value)) {
    const r = fn({ layer: h[0], node: h[1], tensor: h[2] });
    return {
      ...value,
      config: { ...(value.config as Record<string, Json>), keras_history: [r.layer, r.node, r.tensor] },
    };
  }
  if (Array.isArray(value)) return value.map((v) => mapRefs(v, fn));
  if (isObj(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapRefs(v, fn)]));
  return value;
}

/** Every tensor reference in a JSON value, in order. */
export function collectRefs(value: Json): TensorRef[] {
  const out: TensorRef[] = [];
  mapRefs(value, (r) => {
    out.push(r);
    return r;
  });
  return out;
}

/** `output_layers` / `input_layers`: a list of refs, or (Keras 3, one tensor) a single ref. */
export function endpointRefs(value: Json): TensorRef[] {
  if (isRefArray(value)) return [{ layer: value[0], node: value[1], tensor: value[2] }];
  return Array.isArray(value)
    ? value.flatMap((v) => (isRefArray(v) ? [{ layer: v[0], node: v[1], tensor: v[2] }] : []))
    : [];
}
