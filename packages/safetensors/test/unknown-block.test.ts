import { type Candidate, type Decision, decide, memoryOutput } from "@reparam/core";
import { describe, expect, it } from "vitest";
import { conformanceCases, fixtureBytes } from "../../../tools/conformance/src/index.js";
import { safetensorsAdapter } from "../src/index.js";
import { expectCode } from "./_make-file.js";
import { memoryInput } from "./_memory-io.js";

const NAME = "model.safetensors";
const decode = (file: string) => safetensorsAdapter.decode(memoryInput(NAME, { [NAME]: fixtureBytes(file) }), {});

describe("safetensors adapter: a fuse decision the writer cannot place (an error, never dropped)", () => {
  const [a, b] = (() => {
    const cases = conformanceCases();
    const first = cases[0]!;
    // Other key names: its block keys are not in the first model.
    const other = cases.find((c) => c.names !== first.names)!;
    return [first, other];
  })();

  it("throws SAFETENSORS_UNKNOWN_BLOCK for a decision from another model's findBlocks", async () => {
    const model = await decode(a.safetensors.train);
    const other = await decode(b.safetensors.train);
    const { candidates } = await safetensorsAdapter.findBlocks(other, {});
    const decisions = decide(candidates, {});
    expect(decisions.some((d) => d.kind === "fuse")).toBe(true);
    await expectCode(
      () => safetensorsAdapter.encode(model, decisions, memoryOutput(NAME), {}),
      "SAFETENSORS_UNKNOWN_BLOCK",
    );
  });

  it("throws SAFETENSORS_UNKNOWN_BLOCK for a decision whose candidate is not a state-dict block", async () => {
    const model = await decode(a.safetensors.train);
    const { candidates } = await safetensorsAdapter.findBlocks(model, {});
    const [d] = decide(candidates, {}).filter((x) => x.kind === "fuse");
    const foreign: Candidate = {
      name: "not.a.block",
      family: "repvgg",
      layout: d!.candidate.layout,
      load: () => d!.candidate.load(),
    };
    const decisions: Decision[] = [{ ...d!, candidate: foreign }];
    await expectCode(
      () => safetensorsAdapter.encode(model, decisions, memoryOutput(NAME), {}),
      "SAFETENSORS_UNKNOWN_BLOCK",
    );
  });
});
