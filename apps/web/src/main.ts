import { blockDiagram } from "./block-diagram.js";
import { droppedFiles, pickedFiles } from "./dropped-files.js";
import type { NamedBlob } from "./file-set-input.js";
import { inspectionSummary, renderInspectTable } from "./render-inspection.js";
import type { WorkerEvent, WorkerRequest } from "./worker-protocol.js";

/** The page: wires the file input and drop zone to the worker, and shows what it reports. */
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = $<HTMLSpanElement>("status");
const progress = $<HTMLProgressElement>("progress");
const download = $<HTMLAnchorElement>("download");
const input = document.querySelector<HTMLInputElement>("input[data-testid=model-input]")!;
const drop = $<HTMLLabelElement>("drop");
const verify = document.querySelector<HTMLInputElement>("input[data-testid=verify-toggle]")!;

const worker = new Worker(new URL("./convert-worker.ts", import.meta.url), { type: "module" });
let ready = false;
let busy = false;

function setStatus(text: string): void {
  status.textContent = text;
}

function reset(): void {
  for (const id of ["inspect", "result", "verify"]) $(id).hidden = true;
  $("report").textContent = "";
  $("diagram").replaceChildren();
  if (download.href.startsWith("blob:")) URL.revokeObjectURL(download.href);
  download.removeAttribute("href");
  download.removeAttribute("download");
  progress.value = 0;
}

function start(files: NamedBlob[]): void {
  if (!ready || busy || files.length === 0) return;
  busy = true;
  reset();
  setStatus("reading");
  worker.postMessage({ type: "run", files, verify: verify.checked } satisfies WorkerRequest);
}

function show(e: WorkerEvent): void {
  switch (e.type) {
    case "ready":
      ready = true;
      $("backends").textContent = `runtimes here: ${e.backends}`;
      setStatus("ready");
      return;
    case "inspected": {
      $("inspect").hidden = false;
      $("summary").textContent = `${e.main}: ${inspectionSummary(e.inspection)}`;
      renderInspectTable($<HTMLTableElement>("blocks"), e.inspection);
      const fused = e.inspection.blocks.find((b) => b.status === "fuse" && b.branches.length > 1);
      if (fused !== undefined) {
        const caption = document.createElement("figcaption");
        caption.textContent = `${fused.name} (${fused.family}): before -> after`;
        $("diagram").replaceChildren(blockDiagram(fused), caption);
      }
      return;
    }
    case "progress":
      progress.max = Math.max(1, e.progress.total);
      progress.value = e.progress.done;
      setStatus(e.progress.text);
      return;
    case "converted": {
      const r = e.report;
      $("result").hidden = false;
      $("converted").textContent =
        `${r.fused.length} blocks fused, ${r.refused.length} refused, ${r.skipped.length} skipped; parameters ` +
        `${r.parameters.before.toLocaleString("en")} -> ${r.parameters.after.toLocaleString("en")}; ` +
        `${e.download.blob.size.toLocaleString("en")} bytes in ${e.seconds.toFixed(2)} s` +
        (r.notes.length > 0 ? `; ${r.notes.join("; ")}` : "");
      download.href = URL.createObjectURL(e.download.blob);
      download.download = e.download.path;
      download.textContent = `download ${e.download.path}`;
      return;
    }
    case "verified":
      busy = false;
      $("verify").hidden = false;
      $("verify-backends").textContent = `ran on ${e.backends}`;
      $("report").textContent = e.text;
      progress.value = progress.max;
      setStatus(
        e.passed ? "done" : "error: WEB_VERIFY_FAILED the converted model does not match the original (see the report)",
      );
      return;
    case "failed":
      busy = false;
      setStatus(`error: ${e.code} ${e.message}`);
      if (e.code === "WEB_BUG") console.error(e.message);
  }
}

worker.onmessage = (ev: MessageEvent<WorkerEvent>) => show(ev.data);
worker.onerror = (ev) => {
  busy = false;
  setStatus(`error: WEB_BUG the worker failed: ${ev.message}`);
};
input.addEventListener("change", () => start(pickedFiles(input.files)));
drop.addEventListener("dragover", (ev) => {
  ev.preventDefault();
  drop.classList.add("over");
});
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (ev) => {
  ev.preventDefault();
  drop.classList.remove("over");
  if (ev.dataTransfer) void droppedFiles(ev.dataTransfer).then(start);
});
