/// <reference types="node" />
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fixtureBytes } from "../../../tools/conformance/src/index.js";
import { convertPth, decodePth } from "./_convert.js";
import { trainingCheckpoint } from "./_training-checkpoint.js";

/** A Python that imports torch: `python3`, else Debian's `/usr/bin/python3` (python3-torch); undefined when none does. */
function torchPython(): string | undefined {
  for (const python of ["python3", "/usr/bin/python3"]) {
    const r = spawnSync(python, ["-c", "import torch"], { encoding: "utf8" });
    if (r.status === 0) return python;
  }
  return undefined;
}

const python = torchPython();
if (python === undefined) console.log("skipped: no python3 with torch (apt-get install python3-torch to run it)");

// Loads each file with torch.load (weights_only=True where that torch can: torch 1.13's
// restricted unpickler has no BINFLOAT, which a checkpoint's best_acc needs) and prints,
// per state-dict key, dtype, shape and the SHA-256 of the tensor's bytes.
const SCRIPT = `
import hashlib, json, sys, torch
out = {}
for path, ckpt in zip(sys.argv[1::2], sys.argv[2::2]):
    safe = ckpt == "0" or int(torch.__version__.split(".")[0]) >= 2
    obj = torch.load(path, weights_only=safe)
    sd = obj["state_dict"] if ckpt == "1" else obj
    extra = {k: v for k, v in obj.items() if k != "state_dict"} if ckpt == "1" else {}
    out[path] = {"keys": {k: [str(t.dtype), list(t.shape), hashlib.sha256(t.contiguous().numpy().tobytes()).hexdigest()] for k, t in sd.items()}, "extra": extra}
print(json.dumps(out))
`;

const DTYPE: Record<string, string> = { F32: "torch.float32", F16: "torch.float16", I64: "torch.int64" };

describe.skipIf(python === undefined)("torch.load on what we write", () => {
  it("reads state dicts (weights_only=True) and a training checkpoint, the same tensors as our reader sees", async () => {
    const dir = mkdtempSync(join(tmpdir(), "reparam-pth-"));
    try {
      const args: string[] = [];
      const ours = new Map<string, Awaited<ReturnType<typeof decodePth>>>();
      for (const c of ["repvgg_tiny", "mobileone", "qarepvgg", "acnet"]) {
        for (const v of ["train", "train_legacy", "train_ckpt", "train_f16"]) {
          const { bytes } = await convertPth(fixtureBytes(`pth/${c}.${v}.pth`), "x.pth");
          const path = join(dir, `${c}.${v}.pth`);
          writeFileSync(path, bytes);
          ours.set(path, await decodePth(bytes));
          args.push(path, v === "train_ckpt" ? "1" : "0");
        }
      }
      const r = spawnSync(python!, ["-c", SCRIPT, ...args], { encoding: "utf8", maxBuffer: 64 << 20 });
      expect(r.stderr).not.toMatch(/Error/);
      const loaded = JSON.parse(r.stdout) as Record<
        string,
        { keys: Record<string, [string, number[], string]>; extra: object }
      >;
      for (const [path, model] of ours) {
        const theirs = loaded[path]!;
        expect(Object.keys(theirs.keys)).toEqual([...model.found.tensors.keys()]);
        for (const [name, t] of model.view.tensors) {
          const hash = createHash("sha256")
            .update(await model.view.read(name))
            .digest("hex");
          expect(theirs.keys[name]).toEqual([DTYPE[t.dtype], t.shape, hash]);
        }
        if (path.includes("train_ckpt")) expect(theirs.extra).toEqual({ epoch: 3, optimizer: null, best_acc: 0.5 });
      }
      console.log(`torch.load read ${ours.size} written files, every tensor identical`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reads a training checkpoint with optimizer tensors, a numpy scalar and a Namespace (weights_only=False, as its input needs)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "reparam-pth-"));
    try {
      const path = join(dir, "ckpt.deploy.pth");
      writeFileSync(path, (await convertPth(await trainingCheckpoint(), "x.pth")).bytes);
      const script = [
        "import json, sys, torch",
        "c = torch.load(sys.argv[1], weights_only=False)",
        "st = c['optimizer']['state']",
        "print(json.dumps({'epoch': c['epoch'], 'fitness': [type(c['best_fitness']).__name__, float(c['best_fitness'])],",
        "  'opt': vars(c['opt']), 'm0': st[0]['momentum_buffer'].tolist(), 'm1': st[1]['momentum_buffer'].tolist(),",
        "  'ema': [str(c['ema'].dtype), c['ema'].tolist()], 'keys': len(c['model_state_dict']),",
        "  'lr': c['optimizer']['param_groups'][0]['lr']}))",
      ].join("\n");
      const r = spawnSync(python!, ["-c", script, path], { encoding: "utf8" });
      expect(r.stderr).not.toMatch(/Error/);
      expect(JSON.parse(r.stdout)).toEqual({
        epoch: 7,
        fitness: ["float64", 0.75],
        opt: { epochs: 300, name: "exp" },
        m0: [
          [1, 2, 3],
          [4, 5, 6],
        ],
        m1: [
          [1, 4],
          [2, 5],
          [3, 6],
        ],
        ema: ["torch.float16", [0.5, -2]],
        keys: 12,
        lr: 0.01,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
