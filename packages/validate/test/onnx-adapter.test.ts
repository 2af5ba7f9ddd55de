// End to end: the ONNX adapter converts each conformance train model in
// memory, and validation proves the result; verifyBlocks checks the same
// adapter's decisions block by block.
import { describe, expect, it } from "vitest";
import { bytesSource, collectSink, decide, reparameterize, type ModelInput, type ModelOutput } from "@reparam/core";
import { onnxAdapter } from "@reparam/onnx";
import { conformanceCases, fixtureBytes, fixturesDir } from "../../../tools/conformance/src/index.js";
import { formatBlockCheckReport, formatValidationReport, validateConversion, verifyBlocks } from "../src/index.js";

function input(bytes: Uint8Array): ModelInput {
  return { name: "model.onnx", main: bytesSource(bytes), open: () => Promise.reject(new Error("no side files")) };
}

async function convert(bytes: Uint8Array): Promise<{ bytes: Uint8Array; fused: number }> {
  const files = new Map<string, Uint8Array>();
  const output: ModelOutput = {
    name: "out.onnx",
    create: async (p) => {
      const sink = collectSink();
      return { write: (c: Uint8Array) => sink.write(c), close: async () => void files.set(p, sink.bytes()) };
    },
  };
  const report = await reparameterize(onnxAdapter, input(bytes), output, {});
  return { bytes: files.get("out.onnx")!, fused: report.fused.length };
}

const cases = conformanceCases().flatMap((c) =>
  (["train", "train_unfolded"] as const).map((v) => [c.name, v, c] as const),
);

describe("a conversion by reparam's own ONNX adapter", () => {
  it.each(cases)("%s (%s): passes validateConversion against the original", async (_n, variant, c) => {
    const converted = await convert(fixtureBytes(c.onnx[variant]));
    expect(converted.fused).toBeGreaterThan(0);
    const report = await validateConversion(`${fixturesDir}${c.onnx[variant]}`, converted.bytes, { backend: "cpu" });
    expect(report.passed, formatValidationReport(report)).toBe(true);
  });

  it.each(conformanceCases().map((c) => [c.name, c] as const))(
    "%s: passes verifyBlocks on the adapter's decisions",
    async (_n, c) => {
      const model = await onnxAdapter.decode(input(fixtureBytes(c.onnx.train_unfolded)), {});
      const { candidates } = await onnxAdapter.findBlocks(model, {});
      const report = await verifyBlocks(decide(candidates, {}), { backend: "cpu", count: 1 });
      expect(report.passed, formatBlockCheckReport(report)).toBe(true);
      expect(report.checked).toBeGreaterThan(0);
    },
  );
});
