/// <reference types="node" />
import { inspect } from "@reparam/core";
import { describe, expect, it } from "vitest";
import { type FamilyCase, familyCases, fixtureBytes } from "../../../tools/conformance/src/index.js";
import { safetensorsAdapter } from "../src/index.js";
import { expectDeployConvs } from "./_deploy-convs.js";
import type { SafetensorsFile } from "../src/codec/decode-safetensors.js";
import { convertBytes, memoryInput } from "./_memory-io.js";
import { decode, expectWithinUlp } from "./_reference-compare.js";

/**
 * The families2 cases that have state dicts, with the family each block is
 * reported as (MobileCLIP's text RepMixer is ml-fastvit's `RepMixer`, read by
 * the timm-fastvit-repmixer scheme's Apple form).
 */
const FAMILIES: Readonly<Record<string, string>> = {
  rtdetr_repvgg: "rtdetr_repvgg",
  yolov10_repvggdw: "yolov10_repvggdw",
  repghost: "repghost",
  doctr_fast: "doctr_fast",
  ghostnetv3: "ghostnetv3",
  pplcnetv3: "pplcnetv3",
  nextvit_prebn: "nextvit_prebn",
  repnext: "repnext",
  span_conv3xc: "span_conv3xc",
  ecbsr: "ecbsr",
  orepa: "orepa",
  mobileclip_text: "fastvit_repmixer",
};

interface Families2Case extends FamilyCase {
  readonly safetensors: FamilyCase["safetensors"] & { readonly bn_eps: number | null };
  readonly units: readonly { readonly train_prefix: string }[];
  readonly keys: { readonly passthrough: readonly string[] };
}

const cases = (familyCases("families2") as Families2Case[]).filter((c) => c.name in FAMILIES);
const signature = (f: SafetensorsFile) => f.tensors.map((t) => [t.name, t.dtype, t.shape]);

describe("families2 fixtures: train -> deploy state dicts", () => {
  it("covers the cases listed", () => {
    expect(cases.map((c) => c.name).sort()).toEqual(Object.keys(FAMILIES).sort());
  });

  for (const c of cases) {
    it(`${c.name} (${c.names} names): gives the reference's keys, shapes, dtypes, and F32 values within 1 ulp`, async () => {
      // No eps option: each scheme knows its family's (ultralytics: 1e-3).
      const { report, bytes } = await convertBytes(fixtureBytes(c.safetensors.train));
      expect(report.families).toEqual({ [FAMILIES[c.name]!]: c.blocks });
      expect(report.refused).toEqual([]);
      const out = await decode(bytes);
      const ref = await decode(fixtureBytes(c.safetensors.deploy));
      expect(out.metadata).toEqual(ref.metadata);
      expect(signature(out)).toEqual(signature(ref));
      const train = await decode(fixtureBytes(c.safetensors.train));
      for (const key of c.keys.passthrough) expect(await out.readTensor(key)).toEqual(await train.readTensor(key));
      await expectWithinUlp(c.name, out, ref, bytes, fixtureBytes(c.safetensors.deploy));
    });

    it(`${c.name}: gives the same bytes with the fixture's BatchNorm eps given explicitly`, async () => {
      const train = fixtureBytes(c.safetensors.train);
      const eps = c.safetensors.bn_eps;
      const given = await convertBytes(train, eps === null ? {} : { eps });
      expect(Buffer.from(given.bytes).equals(Buffer.from((await convertBytes(train)).bytes))).toBe(true);
    });

    it(`${c.name}: is listed by inspect, each block named by its prefix, fusing`, async () => {
      const files = { "m.safetensors": fixtureBytes(c.safetensors.train) };
      const model = await safetensorsAdapter.decode(memoryInput("m.safetensors", files), {});
      const { blocks, matchRefused } = await inspect(safetensorsAdapter, model);
      expect(matchRefused).toEqual([]);
      // Listed in key order (by each block's main weight), not the manifest's.
      const listed = blocks.map((b) => [b.name, b.family, b.status].join(" ")).sort();
      expect(listed).toEqual(c.units.map((u) => [u.train_prefix, FAMILIES[c.name], "fuse"].join(" ")).sort());
    });

    it(`${c.name}: finds each block's deploy conv in the converted state dict, as verify reads it`, async () => {
      expect(await expectDeployConvs(fixtureBytes(c.safetensors.train))).toBe(c.blocks);
    });

    it(`${c.name}: leaves the deploy state dict as it is (nothing to fuse)`, async () => {
      const deploy = fixtureBytes(c.safetensors.deploy);
      const { report, bytes } = await convertBytes(deploy);
      expect(report.fused).toEqual([]);
      expect(Buffer.from(bytes).equals(Buffer.from(deploy))).toBe(true);
    });
  }
});
