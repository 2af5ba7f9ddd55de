import { bytesSource } from "@reparam/core";
import { expect } from "vitest";
import type { SafetensorsFile } from "../src/codec/decode-safetensors.js";
import { decodeSafetensors } from "../src/index.js";
import { ulpDistance32 } from "./_ulp.js";

/** A safetensors file decoded from its bytes. */
export async function decode(bytes: Uint8Array): Promise<SafetensorsFile> {
  return decodeSafetensors(bytesSource(bytes));
}

/** A tensor's values as float32 (an F32 tensor). */
export async function floats(file: SafetensorsFile, name: string): Promise<Float32Array> {
  return new Float32Array((await file.readTensor(name)).slice().buffer);
}

/** A tensor's float16 bit patterns (an F16 tensor). */
export async function halves(file: SafetensorsFile, name: string): Promise<Uint16Array> {
  return new Uint16Array((await file.readTensor(name)).slice().buffer);
}

/**
 * Compares every F32 tensor of the reference `ref` with `out`, value by value
 * in float32 ulps, logs how many differ, and checks the fixtures' target: at
 * most 1 ulp. A correctly rounded fusion written in the reference writer's
 * layout is the reference file itself: when no value differs, `bytes` must
 * equal `refBytes`.
 */
export async function expectWithinUlp(
  label: string,
  out: SafetensorsFile,
  ref: SafetensorsFile,
  bytes: Uint8Array,
  refBytes: Uint8Array,
): Promise<void> {
  let differ = 0;
  let maxUlp = 0;
  let total = 0;
  for (const t of ref.tensors) {
    if (t.dtype !== "F32") continue;
    const a = await floats(out, t.name);
    const b = await floats(ref, t.name);
    for (let i = 0; i < b.length; i++) {
      const d = ulpDistance32(a[i]!, b[i]!);
      total++;
      if (d > 0) differ++;
      maxUlp = Math.max(maxUlp, d);
    }
  }
  console.log(`${label} F32: ${differ} of ${total} values differ from the reference, max ${maxUlp} ulp`);
  expect(maxUlp).toBeLessThanOrEqual(1);
  if (differ === 0) expect(Buffer.from(bytes).equals(Buffer.from(refBytes))).toBe(true);
}
