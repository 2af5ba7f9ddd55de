import { type ConvertOptions, type Decision, type EncodeStats, type ModelOutput, encodeUtf8 } from "@reparam/core";
import { safetensorsAdapter } from "@reparam/safetensors";
import { PyDict, PyTuple, type PyValue, TorchStorage, TorchTensor } from "../codec/pickle/py-value.js";
import { TORCH_DTYPES, type TorchDtype } from "../codec/torch-dtype.js";
import type { PytorchModel } from "../pytorch-model.js";
import { keyOrder } from "./_key-order.js";
import { otherTensors } from "./_other-tensors.js";
import { safetensorsToZip } from "./_safetensors-to-zip.js";
import { encodePickle } from "./encode-pickle.js";
import { ZipWriter } from "./zip-writer.js";

/** The archive folder of written files (what torch >= 2 writes; any name loads). */
const ARCHIVE = "archive/";
/** Bytes of a passed-through tensor read at a time. */
const CHUNK = 16 << 20;

function contiguous(key: string, dtype: TorchDtype, shape: readonly number[], t?: TorchTensor): TorchTensor {
  const stride = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const numel = shape.reduce((a, b) => a * b, 1);
  return new TorchTensor(
    new TorchStorage(key, dtype, numel, "cpu"),
    0,
    shape,
    stride,
    t?.requiresGrad ?? false,
    t?.parameter ?? false,
  );
}

/**
 * Writes the deploy checkpoint as a `torch.save` zip archive that
 * `torch.load(weights_only=True)` reads. The state dict is converted by the
 * safetensors package's writer (same schemes, same fused bytes) and its
 * stream re-packed entry by entry into the archive; a training checkpoint's
 * other entries (epoch, optimizer ...) are kept, their tensors copied; a
 * full model is written as its deploy state dict. Then `data.pkl`,
 * `byteorder`, `version`, and the central directory.
 */
export async function encodePth(
  model: PytorchModel,
  decisions: readonly Decision[],
  output: ModelOutput,
  options: ConvertOptions,
): Promise<EncodeStats> {
  const sink = await output.create(output.name);
  const zip = new ZipWriter(sink);
  const capture = safetensorsToZip(zip, `${ARCHIVE}data/`, 0);
  const stats = await safetensorsAdapter.encode(
    model.view,
    decisions,
    { name: "state-dict.safetensors", create: () => Promise.resolve(capture.sink) },
    options,
  );
  const { found } = model;
  // A full model's tensors are parameters; its state dict, like `state_dict()`, holds plain tensors.
  const like = (name: string) => (found.layout.kind === "full-model" ? undefined : found.tensors.get(name));
  const written = new Map(
    capture.tensors.map((t) => [t.name, contiguous(t.key, t.dtype as TorchDtype, t.shape, like(t.name))]),
  );
  const stateDict = new PyDict(found.dict?.ordered ?? true);
  if (found.dict?.attrs !== undefined) stateDict.attrs = found.dict.attrs;
  for (const name of keyOrder([...found.tensors.keys()], [...written.keys()]))
    stateDict.map.set(name, written.get(name)!);
  const notes = [...(stats.notes ?? [])];
  let root: PyValue = stateDict;
  const { layout } = found;
  const original = layout.kind === "checkpoint" && model.file.root instanceof PyDict ? model.file.root : undefined;
  if (layout.kind === "checkpoint" && original !== undefined) {
    const copy = new PyDict(original.ordered);
    copy.attrs = original.attrs;
    for (const [k, v] of original.map) copy.map.set(k, k === layout.key ? stateDict : v);
    root = copy;
  }
  // Every other tensor or bare storage written is copied under a new key: in a checkpoint's other entries, and in
  // the state dict's attributes (kept as they are; one there would otherwise name a storage key the archive reuses).
  const copies = new Map<TorchTensor, TorchTensor>();
  const storageCopies = new Map<TorchStorage, TorchStorage>();
  let key = capture.tensors.length;
  const kept = new PyTuple([found.dict?.attrs ?? null, original ?? null]);
  for (const other of otherTensors(kept, found.dict ?? null)) {
    // A bare storage is copied whole, as the flat tensor over it.
    const t = other instanceof TorchTensor ? other : new TorchTensor(other, 0, [other.numel], [1], false, false);
    const out = contiguous(String(key++), t.storage.dtype, t.shape, t);
    if (other instanceof TorchTensor) copies.set(other, out);
    else storageCopies.set(other, new TorchStorage(out.storage.key, other.dtype, other.numel, other.location));
    const size = out.storage.numel * TORCH_DTYPES[t.storage.dtype].size;
    await zip.begin(`${ARCHIVE}data/${out.storage.key}`, size);
    for (let at = 0; at < size; at += CHUNK) await zip.data(await model.read(t, at, Math.min(size, at + CHUNK)));
    await zip.end();
  }
  if (found.layout.kind === "checkpoint") {
    notes.push(
      `training checkpoint: kept ${found.layout.others.join(", ") || "no other entries"} beside '${found.layout.key}'${copies.size > 0 ? ` (${copies.size} tensors copied)` : ""}${storageCopies.size > 0 ? ` (${storageCopies.size} storages copied)` : ""}`,
    );
  } else if (found.layout.kind === "full-model") {
    notes.push(
      `full model ${found.layout.className}: written as its deploy state dict; the model object itself is not rewritten (load it into the deploy model's class)`,
    );
  }
  await zip.add(
    `${ARCHIVE}data.pkl`,
    encodePickle(
      root,
      (t) => copies.get(t) ?? t,
      (s) => storageCopies.get(s) ?? s,
    ),
  );
  await zip.add(`${ARCHIVE}byteorder`, encodeUtf8("little"));
  await zip.add(`${ARCHIVE}version`, encodeUtf8("3\n"));
  const bytesWritten = await zip.finish();
  await sink.close();
  return { parametersAfter: stats.parametersAfter, bytesWritten, notes };
}
