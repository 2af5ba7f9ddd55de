import { inspect, reparameterize, type FormatAdapter } from "@reparam/core";
import { blobOutput } from "./blob-output.js";
import { baseName, fileSetInput, type NamedBlob } from "./file-set-input.js";
import { deployName, pickModel, zipName } from "./pick-model.js";
import { pageModel, verifyConversion } from "./verify-conversion.js";
import type { RunProgress, WorkerEvent } from "./worker-protocol.js";
import { webError } from "./web-error.js";
import { zipFiles } from "./zip-files.js";

/**
 * The page's whole job on one model, in the worker: find the model among
 * the files, inspect it, convert it (output as Blob parts), zip a result of
 * several files, and (unless `verify` is false) verify the result; each
 * step reported through `post`.
 */
export async function runModel(
  files: readonly NamedBlob[],
  verify: boolean,
  post: (e: WorkerEvent) => void,
): Promise<void> {
  const progress = (p: RunProgress) => post({ type: "progress", progress: p });
  progress({ step: "reading", done: 0, total: 1, text: "reading" });
  const { adapter, main, files: others } = await pickModel(files);
  progress({ step: "inspecting", done: 0, total: 1, text: `inspecting ${adapter.format}` });
  const t0 = performance.now();
  let decoded: unknown = await adapter.decode(fileSetInput(main, others), {});
  post({ type: "inspected", main: main.path, inspection: await inspect(adapter, decoded) });
  // The conversion takes the model inspect decoded (one decode, one copy of a large model), then lets go of it.
  const once: FormatAdapter<unknown> = { ...adapter, decode: () => Promise.resolve(decoded) };
  const mainName = baseName(main.path);
  const output = blobOutput(deployName(adapter, mainName));
  const report = await reparameterize(once, fileSetInput(main, others), output, {}, (p) =>
    progress({
      step: p.phase === "write" ? "writing" : "converting",
      done: p.done,
      total: p.total,
      // Blocks fused in windows report fractions: the bar takes them, the text counts whole blocks.
      text: p.phase === "fuse" ? `fuse ${Math.floor(p.done)}/${p.total}` : p.phase,
    }),
  );
  decoded = undefined;
  const written = output.files();
  const convertedMain = written.find((f) => f.path === output.name);
  if (convertedMain === undefined)
    throw webError("WEB_BUG", "the adapter wrote no main file", { expected: output.name });
  let download: NamedBlob = convertedMain;
  if (written.length > 1) {
    progress({ step: "zipping", done: 0, total: 1, text: `zipping ${written.length} files` });
    download = { path: zipName(adapter, mainName), blob: await zipFiles(written) };
  }
  post({ type: "converted", report, download, seconds: (performance.now() - t0) / 1000 });
  if (!verify) {
    const text = "not verified (turned off on the page)";
    return post({ type: "verified", text, passed: true, backends: "nothing (verification turned off)" });
  }
  progress({ step: "verifying", done: 0, total: 1, text: "verifying" });
  const verification = await verifyConversion(
    adapter,
    pageModel("original", main, others),
    pageModel(
      "converted",
      convertedMain,
      written.filter((f) => f !== convertedMain),
    ),
    (done, total) => progress({ step: "verifying", done, total, text: `verifying block ${done}/${total}` }),
  );
  post({ type: "verified", ...verification });
}
