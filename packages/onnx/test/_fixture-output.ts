import { expect } from "vitest";
import { fixtureFloat32 } from "../../../tools/conformance/src/index.js";
import { type Converted, relativeError, run } from "./_convert.js";

/**
 * Runs a converted fixture on its `input.bin` with onnxruntime and checks the
 * fixtures' target: max|diff| <= 1e-5 * max|output| against `output.bin`.
 * Logs the ratio under `label`; returns it.
 */
export async function expectFixtureOutput(
  out: Converted,
  c: { readonly input: { file: string; shape: number[] }; readonly output: { file: string } },
  label: string,
): Promise<number> {
  const x = fixtureFloat32(c.input.file);
  const y = await run(out.bytes, { [out.model.graph!.input[0]!.name]: { data: x, dims: c.input.shape } });
  const ratio = relativeError(y, fixtureFloat32(c.output.file));
  console.log(`${label}: max|diff|/max|output| = ${ratio.toExponential(3)}`);
  expect(ratio).toBeLessThanOrEqual(1e-5);
  return ratio;
}
