/**
 * The shortest decimal that rounds to a float32 attribute value. A float
 * attribute holds the exporter's float64 setting rounded to float32, while
 * the framework that trained the model used the float64 value (PyTorch adds
 * BN eps as a double): eps 1e-3 is stored as 1.0000000474974513e-3, and
 * with variances near zero that difference shows in the outputs.
 */
export function decimalOfFloat32(f: number): number {
  for (let p = 1; p <= 9; p++) {
    const d = Number(f.toPrecision(p));
    if (Math.fround(d) === f) return d;
  }
  return f;
}
