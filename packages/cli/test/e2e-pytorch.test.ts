import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fixturesDir } from "../../../tools/conformance/src/index.js";
import { listing, reparam, tempDir } from "./run-cli.js";

const P = `${fixturesDir}pth/`;

describe("reparam convert / inspect / verify on PyTorch checkpoints (built CLI, real files)", () => {
  it("handles a training checkpoint: inspect names the layout, convert writes a .pth, verify passes", () => {
    const dir = tempDir();
    copyFileSync(`${P}timm_repvgg.train_ckpt.pth`, join(dir, "ckpt.pth"));
    const insp = reparam("inspect", join(dir, "ckpt.pth"), "--json");
    expect(insp.code).toBe(0);
    expect(insp.stdout).toContain("training checkpoint, state dict under 'state_dict'");
    const conv = reparam("convert", join(dir, "ckpt.pth"), "--json");
    expect(conv.code).toBe(0);
    expect(JSON.parse(conv.stdout)).toMatchObject({ format: "pytorch", output: join(dir, "ckpt.deploy.pth") });
    expect(listing(dir)).toEqual(["ckpt.deploy.pth", "ckpt.pth"]);
    const ver = reparam("verify", join(dir, "ckpt.pth"), join(dir, "ckpt.deploy.pth"), "--json");
    expect(ver.code).toBe(0);
    expect(JSON.parse(ver.stdout)).toMatchObject({ format: "pytorch", passed: true });
  });

  it("converts a legacy file to safetensors: the reference deploy state dict, byte for byte", () => {
    const dir = tempDir();
    const r = reparam("convert", `${P}timm_repvgg.train_legacy.pth`, "-o", join(dir, "d.safetensors"));
    expect(r.code).toBe(0);
    expect(
      readFileSync(join(dir, "d.safetensors")).equals(readFileSync(`${fixturesDir}timm_repvgg.deploy.safetensors`)),
    ).toBe(true);
  });

  it("refuses a malicious pickle with its code, and writes nothing", () => {
    const dir = tempDir();
    // Legacy layout: the magic number pickle first, then a REDUCE of posix.system.
    const magic = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e];
    const protocol = [0x80, 0x02, 0x4d, 0xe9, 0x03, 0x2e];
    const info = [0x80, 0x02, 0x7d, 0x2e];
    const evil = Buffer.concat([
      Buffer.from([...magic, ...protocol, ...info]),
      Buffer.from("cposix\nsystem\n(S'touch pwned'\ntR.", "latin1"),
    ]);
    writeFileSync(join(dir, "evil.pth"), evil);
    const r = reparam("convert", join(dir, "evil.pth"));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("PYTORCH_FORBIDDEN_GLOBAL");
    expect(r.stderr).toContain("posix.system");
    expect(listing(dir)).toEqual(["evil.pth"]);
  });
});
