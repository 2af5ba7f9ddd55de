import { isReparamError } from "@reparam/core";
import { runModel } from "./run-model.js";
import { warmUp } from "./warm-up.js";
import type { WorkerEvent, WorkerRequest } from "./worker-protocol.js";

/** The worker's side of the protocol: runtimes prepared at start, then one model at a time. */
const scope = self as unknown as {
  postMessage(e: WorkerEvent): void;
  onmessage: ((ev: MessageEvent<WorkerRequest>) => void) | null;
};

const post = (e: WorkerEvent) => scope.postMessage(e);

/** A failure as the status line shows it: a ReparamError's code, or `WEB_BUG` for anything else (a bug). */
function failed(e: unknown): WorkerEvent {
  if (isReparamError(e)) return { type: "failed", code: e.code, message: e.message };
  const message = e instanceof Error ? `${e.message}${e.stack ? `\n${e.stack}` : ""}` : String(e);
  return { type: "failed", code: "WEB_BUG", message };
}

const ready = warmUp().then((backends) => post({ type: "ready", backends }));
let busy = false;

scope.onmessage = async (ev) => {
  if (busy) return post({ type: "failed", code: "WEB_BUSY", message: "a model is still being converted" });
  busy = true;
  try {
    await ready;
    await runModel(ev.data.files, ev.data.verify, post);
  } catch (e) {
    post(failed(e));
  } finally {
    busy = false;
  }
};
