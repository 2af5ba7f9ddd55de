/**
 * The kernel DBB's `IdentityBasedConv1x1` convolves with: its stored weight
 * `[C, C / groups, 1, 1]` plus the identity I[i, i mod (C / groups)] = 1
 * (`get_actual_kernel`), summed in float32 as PyTorch does. A new array.
 */
export function identityBasedKernel(weight: Float32Array, channels: number, groups: number): Float32Array {
  const per = channels / groups;
  const k = Float32Array.from(weight);
  for (let i = 0; i < channels; i++) k[i * per + (i % per)]! += 1;
  return k;
}
