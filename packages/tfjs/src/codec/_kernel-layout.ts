/** Storage a kernel is moved in: float32 values, or float16 bits. */
export type KernelStorage = Float32Array | Uint16Array;

/**
 * Dimensions of a TF kernel seen as `[P][I][O]`: `P = kh * kw` positions,
 * `I` inputs, `O` outputs. A conv kernel HWIO `[kh, kw, in/groups, out]` is
 * `{p: kh * kw, i: in/groups, o: out}`; a depthwise kernel `[kh, kw, C, M]`
 * is `{p: kh * kw, i: 1, o: C * M}` (its OIHW twin is `[C * M, 1, kh, kw]`).
 */
export interface KernelDims {
  readonly p: number;
  readonly i: number;
  readonly o: number;
}

// Tile edge: a tile's reads and writes stay in L1 while every cache line is used whole.
const B = 32;

/**
 * TF layout `[P][I][O]` to OIHW `[O][I][P]`, exactly (values are moved, not
 * converted): `dst[(o * I + i) * P + p] = src[(p * I + i) * O + o]`. Tiled
 * over (o, i) so that both sides use whole cache lines; 3x3 kernels (P = 9),
 * the common case, get an unrolled inner loop, 1x1 kernels a plain one.
 */
export function tfToOihw<T extends KernelStorage>(src: T, dst: T, { p: P, i: I, o: O }: KernelDims): T {
  const IO = I * O;
  for (let o0 = 0; o0 < O; o0 += B) {
    const o1 = Math.min(O, o0 + B);
    for (let i0 = 0; i0 < I; i0 += B) {
      const i1 = Math.min(I, i0 + B);
      for (let o = o0; o < o1; o++) {
        let d = (o * I + i0) * P;
        let s = i0 * O + o;
        if (P === 9) {
          for (let i = i0; i < i1; i++, s += O, d += 9) {
            dst[d] = src[s]!;
            dst[d + 1] = src[s + IO]!;
            dst[d + 2] = src[s + 2 * IO]!;
            dst[d + 3] = src[s + 3 * IO]!;
            dst[d + 4] = src[s + 4 * IO]!;
            dst[d + 5] = src[s + 5 * IO]!;
            dst[d + 6] = src[s + 6 * IO]!;
            dst[d + 7] = src[s + 7 * IO]!;
            dst[d + 8] = src[s + 8 * IO]!;
          }
        } else if (P === 1) {
          for (let i = i0; i < i1; i++, s += O) dst[d++] = src[s]!;
        } else {
          for (let i = i0; i < i1; i++, s += O) for (let q = s, k = 0; k < P; k++, q += IO) dst[d++] = src[q]!;
        }
      }
    }
  }
  return dst;
}

/**
 * OIHW `[O][I][P]` to TF layout `[P][I][O]`, exactly: the inverse of
 * {@link tfToOihw}, `dst[(p * I + i) * O + o] = src[(o * I + i) * P + p]`.
 * Tiled over (o, i) (64 x 32: the tile's source rows stay in L1) with the
 * writes running along o, whole cache lines at a time.
 */
export function oihwToTf<T extends KernelStorage>(src: T, dst: T, { p: P, i: I, o: O }: KernelDims): T {
  const IP = I * P;
  for (let o0 = 0; o0 < O; o0 += 2 * B) {
    const o1 = Math.min(O, o0 + 2 * B);
    for (let i0 = 0; i0 < I; i0 += B) {
      const i1 = Math.min(I, i0 + B);
      for (let i = i0; i < i1; i++) {
        for (let p = 0; p < P; p++) {
          let d = (p * I + i) * O + o0;
          for (let o = o0, s = (o0 * I + i) * P + p; o < o1; o++, s += IP) dst[d++] = src[s]!;
        }
      }
    }
  }
  return dst;
}
