/** One row of {@link TORCH_DTYPES}: a storage class of `torch.save` and the dtype it holds. */
export interface TorchDtypeInfo {
  /** The storage class name in the pickle (`torch.FloatStorage`). */
  readonly storage: string;
  /** Bytes per element. */
  readonly size: number;
}

/**
 * The dtypes of `torch.save` storages this package reads, keyed by their
 * safetensors name (the state-dict machinery of `@reparam/safetensors` is
 * shared): float ones are fused, the others are passed through.
 */
export const TORCH_DTYPES = {
  F32: { storage: "FloatStorage", size: 4 },
  F16: { storage: "HalfStorage", size: 2 },
  BF16: { storage: "BFloat16Storage", size: 2 },
  F64: { storage: "DoubleStorage", size: 8 },
  I64: { storage: "LongStorage", size: 8 },
  I32: { storage: "IntStorage", size: 4 },
  I16: { storage: "ShortStorage", size: 2 },
  I8: { storage: "CharStorage", size: 1 },
  U8: { storage: "ByteStorage", size: 1 },
  BOOL: { storage: "BoolStorage", size: 1 },
} as const satisfies Record<string, TorchDtypeInfo>;

/** A dtype of {@link TORCH_DTYPES} (`F32`, `I64`, ...). */
export type TorchDtype = keyof typeof TORCH_DTYPES;

const BY_STORAGE = new Map<string, TorchDtype>(
  (Object.keys(TORCH_DTYPES) as TorchDtype[]).map((d) => [TORCH_DTYPES[d].storage, d]),
);

/** The dtype of storage class `torch.<name>`, or undefined for one this package does not read. */
export function dtypeOfStorage(module: string, name: string): TorchDtype | undefined {
  return module === "torch" ? BY_STORAGE.get(name) : undefined;
}
