/// <reference types="node" />
/**
 * Peak memory of converting a large checkpoint from disk to disk: a
 * RepVGG-B3-sized train-time state dict (F32, about 490 MB).
 *
 *   pnpm exec tsx packages/safetensors/bench/convert-large.ts gen /tmp/b3.train.safetensors
 *   pnpm exec tsx packages/safetensors/bench/convert-large.ts convert /tmp/b3.train.safetensors /tmp/b3.deploy.safetensors
 *
 * Run the two steps as separate processes: `convert` prints its own peak RSS
 * (target: <= 300 MB) and time. Needs core's dist (`pnpm exec tsc -p
 * packages/core/tsconfig.build.json`).
 */
import { closeSync, fstatSync, openSync, readSync, writeSync } from "node:fs";
import { basename } from "node:path";
import { type ByteSink, type ByteSource, reparameterize } from "@reparam/core";
import { safetensorsAdapter } from "../src/index.js";
import { planSafetensors, type SafetensorsTensorSpec } from "../src/write/plan-safetensors.js";

function specs(): SafetensorsTensorSpec[] {
  const out: SafetensorsTensorSpec[] = [];
  const f32 = (name: string, shape: number[]) => out.push({ name, dtype: "F32", shape });
  const bn = (p: string, c: number) => {
    for (const k of ["weight", "bias", "running_mean", "running_var"]) f32(`${p}.${k}`, [c]);
    out.push({ name: `${p}.num_batches_tracked`, dtype: "I64", shape: [] });
  };
  let c = 3;
  const block = (p: string, o: number, stride: number) => {
    f32(`${p}.rbr_dense.conv.weight`, [o, c, 3, 3]);
    bn(`${p}.rbr_dense.bn`, o);
    f32(`${p}.rbr_1x1.conv.weight`, [o, c, 1, 1]);
    bn(`${p}.rbr_1x1.bn`, o);
    if (o === c && stride === 1) bn(`${p}.rbr_identity`, o);
    c = o;
  };
  block("stage0", 64, 2);
  [4, 6, 16, 1].forEach((depth, s) => {
    for (let i = 0; i < depth; i++) block(`stage${s + 1}.${i}`, [192, 384, 768, 2560][s]!, i === 0 ? 2 : 1);
  });
  f32("linear.weight", [1000, 2560]);
  f32("linear.bias", [1000]);
  return out;
}

function gen(path: string): void {
  const list = specs();
  const plan = planSafetensors(list, { format: "pt" });
  const fd = openSync(path, "w");
  writeSync(fd, plan.header);
  let a = 12345;
  for (const t of plan.tensors) {
    const n = (t.end - t.begin) / 4;
    if (t.dtype === "I64") {
      writeSync(fd, new Uint8Array(8));
      continue;
    }
    const isVar = t.name.endsWith("running_var");
    const isGamma = t.name.endsWith("bn.weight") || /rbr_identity\.weight$/.test(t.name);
    const chunk = new Float32Array(Math.min(n, 1 << 20));
    for (let done = 0; done < n; done += chunk.length) {
      const m = Math.min(chunk.length, n - done);
      for (let i = 0; i < m; i++) {
        a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
        const r = a / 4294967296 - 0.5;
        chunk[i] = isVar ? 1 + Math.abs(r) : isGamma ? 1 + r : r * 0.1;
      }
      writeSync(fd, new Uint8Array(chunk.buffer, 0, m * 4));
    }
  }
  closeSync(fd);
  console.log(`wrote ${path}: ${(plan.fileSize / 1e6).toFixed(1)} MB, ${list.length} tensors`);
}

function fileSource(path: string): ByteSource & { close(): void } {
  const fd = openSync(path, "r");
  return {
    size: fstatSync(fd).size,
    read(offset, length) {
      const out = new Uint8Array(length);
      let got = 0;
      while (got < length) {
        const n = readSync(fd, out, got, length - got, offset + got);
        if (n === 0) break;
        got += n;
      }
      return Promise.resolve(got === length ? out : out.subarray(0, got));
    },
    close: () => closeSync(fd),
  };
}

async function convert(from: string, to: string): Promise<void> {
  const source = fileSource(from);
  const t0 = process.hrtime.bigint();
  const report = await reparameterize(
    safetensorsAdapter,
    { name: basename(from), main: source, open: () => Promise.reject(new Error("single file")) },
    {
      name: basename(to),
      create(): Promise<ByteSink & { close(): Promise<void> }> {
        const fd = openSync(to, "w");
        return Promise.resolve({
          write: (chunk: Uint8Array) => {
            writeSync(fd, chunk);
            return Promise.resolve();
          },
          close: () => Promise.resolve(closeSync(fd)),
        });
      },
    },
    {},
  );
  source.close();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const peak = process.resourceUsage().maxRSS / 1024;
  console.log(`input ${(source.size / 1e6).toFixed(1)} MB -> ${(report.bytesWritten / 1e6).toFixed(1)} MB, ${report.fused.length} blocks fused in ${seconds.toFixed(2)} s`);
  console.log(`peak RSS ${peak.toFixed(0)} MB (target <= 300 MB)`);
}

const [mode, a, b] = process.argv.slice(2);
if (mode === "gen" && a !== undefined) gen(a);
else if (mode === "convert" && a !== undefined && b !== undefined) await convert(a, b);
else console.log("usage: convert-large.ts gen <file> | convert <train file> <deploy file>");
