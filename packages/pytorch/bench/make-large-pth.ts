/// <reference types="node" />
/**
 * Makes a large `torch.save` checkpoint for measuring memory: the tensors of
 * a safetensors file (e.g. the RepVGG-B3-sized one of
 * `packages/safetensors/bench/convert-large.ts gen`, about 490 MB) written,
 * streaming, as a training checkpoint `{'state_dict': ..., 'epoch': 10}` in
 * the zip layout. Then convert it with the built CLI and read its peak RSS:
 *
 *   pnpm exec tsx packages/safetensors/bench/convert-large.ts gen /tmp/b3.train.safetensors
 *   pnpm exec tsx packages/pytorch/bench/make-large-pth.ts /tmp/b3.train.safetensors /tmp/b3.train.pth
 *   /usr/bin/time -v node packages/cli/dist/bin.js convert /tmp/b3.train.pth -o /tmp/b3.deploy.pth
 */
import { closeSync, fstatSync, openSync, readSync, writeSync } from "node:fs";
import { type ByteSource, encodeUtf8 } from "@reparam/core";
import { decodeSafetensors } from "@reparam/safetensors";
import { PyDict, TorchStorage, TorchTensor } from "../src/index.js";
import type { TorchDtype } from "../src/codec/torch-dtype.js";
import { encodePickle } from "../src/write/encode-pickle.js";
import { ZipWriter } from "../src/write/zip-writer.js";

function fileSource(path: string): ByteSource {
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
      return Promise.resolve(out.subarray(0, got));
    },
  };
}

const [from, to] = process.argv.slice(2);
if (from === undefined || to === undefined) throw new Error("usage: make-large-pth.ts <in.safetensors> <out.pth>");
const file = await decodeSafetensors(fileSource(from));
const fd = openSync(to, "w");
const zip = new ZipWriter({ write: (chunk) => Promise.resolve(void writeSync(fd, chunk)) });
const dict = new PyDict(true);
for (const [i, t] of file.tensors.entries()) {
  const numel = t.shape.reduce((a, b) => a * b, 1);
  const stride = t.shape.map((_, d) => t.shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const storage = new TorchStorage(String(i), t.dtype as TorchDtype, numel, "cpu");
  dict.map.set(t.name, new TorchTensor(storage, 0, t.shape, stride, false, false));
  await zip.begin(`archive/data/${i}`, t.end - t.begin);
  for (let at = 0; at < t.end - t.begin; at += 16 << 20)
    await zip.data(await file.readTensorBytes(t.name, at, Math.min(t.end - t.begin, at + (16 << 20))));
  await zip.end();
}
const root = new PyDict(false);
root.map.set("state_dict", dict);
root.map.set("epoch", 10n);
await zip.add("archive/data.pkl", encodePickle(root, (t) => t));
await zip.add("archive/version", encodeUtf8("3\n"));
const size = await zip.finish();
closeSync(fd);
console.log(`wrote ${to}: ${(size / 1e6).toFixed(1)} MB, ${file.tensors.length} tensors`);
