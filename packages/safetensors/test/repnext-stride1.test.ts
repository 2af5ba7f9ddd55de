import { describe, expect, it } from "vitest";
import { familyCases, fixtureBytes } from "../../../tools/conformance/src/index.js";
import { convertBytes } from "./_memory-io.js";
import { decode, floats } from "./_reference-compare.js";
import { ulpDistance32 } from "./_ulp.js";

const repnext = familyCases("families2").find((c) => c.name === "repnext")!;

describe("RepNeXt's stride-1 RepDWConvS (families2 repnext)", () => {
  it("fuses each into its module's weight and bias within 1 ulp of the reference and passes the rest through", async () => {
    const train = await decode(fixtureBytes(repnext.safetensors.train));
    const { report, bytes } = await convertBytes(fixtureBytes(repnext.safetensors.train));
    expect(report.fused.map((f) => [f.name, f.family])).toEqual([
      ["stages.0.blocks.0.token_mixer.conv_s", "repnext"],
      ["stages.0.blocks.1.token_mixer.conv_s", "repnext"],
      ["stages.1.blocks.0.token_mixer.conv_s", "repnext"],
    ]);
    const out = await decode(bytes);
    const ref = await decode(fixtureBytes(repnext.safetensors.deploy));
    let maxUlp = 0;
    for (const f of report.fused) {
      expect(out.tensors.filter((t) => t.name.startsWith(`${f.name}.`)).map((t) => [t.name, t.shape])).toEqual(
        ref.tensors.filter((t) => t.name.startsWith(`${f.name}.`)).map((t) => [t.name, t.shape]),
      );
      for (const key of [`${f.name}.weight`, `${f.name}.bias`]) {
        const a = await floats(out, key);
        const b = await floats(ref, key);
        for (let i = 0; i < b.length; i++) maxUlp = Math.max(maxUlp, ulpDistance32(a[i]!, b[i]!));
      }
    }
    console.log(`repnext stride-1 RepDWConvS: max ${maxUlp} ulp from the reference`);
    expect(maxUlp).toBeLessThanOrEqual(1);
    // Everything else, the strided copy's conv_s and every conv_m (sequences), is as it was.
    const fused = (k: string) => report.fused.some((f) => k.startsWith(`${f.name}.`));
    const rest = train.tensors.filter((t) => !fused(t.name));
    expect(out.tensors.length).toBe(rest.length + 2 * report.fused.length);
    for (const t of rest) expect(await out.readTensor(t.name), t.name).toEqual(await train.readTensor(t.name));
  });
});
