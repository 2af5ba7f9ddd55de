/**
 * A shallow copy of a protobuf-es message with some fields replaced: same
 * prototype (proto2 defaults live there), same own fields (unknown fields
 * included), no bytes copied. The original is left as it was.
 */
export function copyMessage<T extends object>(message: T, changes: Partial<T> = {}): T {
  return Object.assign(Object.create(Object.getPrototypeOf(message) as object) as T, message, changes);
}
