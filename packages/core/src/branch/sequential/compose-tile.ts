/**
 * One tile of DBB's 1x1 -> kxk composition: 4 input channels x 3 kernel
 * positions, 12 float64 sums at once over the live internal channels k:
 * `row[q[4c' + j']] += sum over k of w2[w0 + j' n + k] k1[b0 + c' stride + k]`,
 * each sum in the order k ascending (the order the one-position loop uses, so
 * the result is the same bit for bit). Per step it loads 7 values for 12
 * multiply-adds where one position at a time loads 5 for 4: the composition is
 * a matrix product, bound by loads (about 2x in a micro-benchmark; DBB-A0
 * converts in 1.7 s instead of 2.1 s).
 *
 * @param q - the 12 row indices, channel-major: q[3 c' + j']
 */
export function composeTile4x3(
  row: Float64Array,
  w2: Float64Array,
  w0: number,
  n: number,
  k1: Float64Array,
  b0: number,
  stride: number,
  q: Int32Array,
): void {
  const v0b = w0;
  const v1b = w0 + n;
  const v2b = w0 + 2 * n;
  const x0b = b0;
  const x1b = b0 + stride;
  const x2b = b0 + 2 * stride;
  const x3b = b0 + 3 * stride;
  let a00 = row[q[0]!]!;
  let a01 = row[q[1]!]!;
  let a02 = row[q[2]!]!;
  let a10 = row[q[3]!]!;
  let a11 = row[q[4]!]!;
  let a12 = row[q[5]!]!;
  let a20 = row[q[6]!]!;
  let a21 = row[q[7]!]!;
  let a22 = row[q[8]!]!;
  let a30 = row[q[9]!]!;
  let a31 = row[q[10]!]!;
  let a32 = row[q[11]!]!;
  for (let k = 0; k < n; k++) {
    const v0 = w2[v0b + k]!;
    const v1 = w2[v1b + k]!;
    const v2 = w2[v2b + k]!;
    const x0 = k1[x0b + k]!;
    const x1 = k1[x1b + k]!;
    const x2 = k1[x2b + k]!;
    const x3 = k1[x3b + k]!;
    a00 += v0 * x0;
    a01 += v1 * x0;
    a02 += v2 * x0;
    a10 += v0 * x1;
    a11 += v1 * x1;
    a12 += v2 * x1;
    a20 += v0 * x2;
    a21 += v1 * x2;
    a22 += v2 * x2;
    a30 += v0 * x3;
    a31 += v1 * x3;
    a32 += v2 * x3;
  }
  row[q[0]!] = a00;
  row[q[1]!] = a01;
  row[q[2]!] = a02;
  row[q[3]!] = a10;
  row[q[4]!] = a11;
  row[q[5]!] = a12;
  row[q[6]!] = a20;
  row[q[7]!] = a21;
  row[q[8]!] = a22;
  row[q[9]!] = a30;
  row[q[10]!] = a31;
  row[q[11]!] = a32;
}
