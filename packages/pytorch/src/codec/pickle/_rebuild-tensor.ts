import { ReparamError } from "@reparam/core";
import { asIndex, asItems, badPickle, typeName } from "./_py-check.js";
import { type PyValue, TorchStorage, TorchTensor } from "./py-value.js";

/**
 * `torch._utils._rebuild_tensor_v2(storage, storage_offset, size, stride,
 * requires_grad, backward_hooks[, metadata])` (and `_rebuild_tensor`, the
 * same without the last three), checked: the view must lie inside its
 * storage, `offset + sum((size[i] - 1) * stride[i]) < numel` for a non-empty one.
 *
 * @throws ReparamError `PYTORCH_BAD_PICKLE`, `PYTORCH_BAD_TENSOR`.
 */
export function rebuildTensor(args: readonly PyValue[], where: string): TorchTensor {
  const [storage, offsetValue, sizeValue, strideValue, requiresGrad] = args;
  if (!(storage instanceof TorchStorage))
    throw badPickle("a tensor's storage is not a storage", where, "a persistent storage id", typeName(storage));
  const offset = asIndex(offsetValue, "storage offset", where);
  const shape = asItems(sizeValue, "size", where).map((d) => asIndex(d, "a dim", where));
  const stride = asItems(strideValue, "stride", where).map((d) => asIndex(d, "a stride", where));
  if (stride.length !== shape.length)
    throw badTensor("stride and size differ in length", where, `${shape.length} strides`, `${stride.length}`);
  let numel = 1;
  let last = offset;
  for (let i = 0; i < shape.length; i++) {
    numel *= shape[i]!;
    last += (shape[i]! - 1) * stride[i]!;
  }
  if (!Number.isSafeInteger(numel) || !Number.isSafeInteger(last))
    throw badTensor("the tensor is too large", where, "at most 2^53 - 1 elements", `[${shape.join(", ")}]`);
  if (numel > 0 && last >= storage.numel)
    throw badTensor(
      "the tensor reaches past the end of its storage",
      where,
      `last element < ${storage.numel} (storage ${storage.key})`,
      `offset ${offset}, size [${shape.join(", ")}], stride [${stride.join(", ")}]`,
    );
  return new TorchTensor(storage, offset, shape, stride, requiresGrad === true, false);
}

function badTensor(message: string, where: string, expected: string, found: string): ReparamError {
  return new ReparamError("PYTORCH_BAD_TENSOR", message, { where, expected, found });
}

/** `_rebuild_parameter(data, requires_grad, backward_hooks)`: the tensor, marked as a parameter. */
export function rebuildParameter(args: readonly PyValue[], where: string): TorchTensor {
  const [data, requiresGrad] = args;
  if (!(data instanceof TorchTensor))
    throw badPickle("a parameter's data is not a tensor", where, "a tensor", typeName(data));
  return new TorchTensor(data.storage, data.offset, data.shape, data.stride, requiresGrad === true, true);
}
