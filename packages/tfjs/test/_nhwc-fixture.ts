/// <reference types="node" />
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** A conformance fixture's NCHW float32 file `folder/file` as NHWC (2-D `[N, F]` as it is). */
export function nhwcFixture(
  folder: string,
  file: string,
  shape: readonly number[],
): { data: Float32Array; shape: number[] } {
  const b = readFileSync(join(folder, file));
  const v = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  if (shape.length !== 4) return { data: v, shape: [...shape] };
  const [n, c, h, w] = shape as [number, number, number, number];
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const [x, y, ch, b0] = [i % w, Math.floor(i / w) % h, Math.floor(i / (w * h)) % c, Math.floor(i / (w * h * c))];
    out[((b0 * h + y) * w + x) * c + ch] = v[i]!;
  }
  return { data: out, shape: [n, h, w, c] };
}
