import type { ConversionReport } from "@reparam/core";
import type { NamedBlob } from "./file-set-input.js";
import type { Inspection } from "@reparam/core";

/** What the page asks of the worker. */
export interface WorkerRequest {
  readonly type: "run";
  readonly files: readonly NamedBlob[];
  /** Verify the result after converting (the page's checkbox; on by default). */
  readonly verify: boolean;
}

/** Where a run is, for the status line and the progress bar (`done` of `total`). */
export interface RunProgress {
  readonly step: "reading" | "inspecting" | "converting" | "writing" | "zipping" | "verifying";
  readonly done: number;
  readonly total: number;
  /** What is being done, for people (`fuse 3/12`). */
  readonly text: string;
}

/** What the worker tells the page. */
export type WorkerEvent =
  /** The runtimes (and their .wasm) are loaded: the page may take a model, and nothing is fetched after. */
  | { readonly type: "ready"; readonly backends: string }
  | { readonly type: "inspected"; readonly main: string; readonly inspection: Inspection }
  | { readonly type: "progress"; readonly progress: RunProgress }
  | {
      readonly type: "converted";
      readonly report: ConversionReport;
      /** The download: one file, or a zip of several. */
      readonly download: NamedBlob;
      readonly seconds: number;
    }
  | { readonly type: "verified"; readonly text: string; readonly passed: boolean; readonly backends: string }
  | { readonly type: "failed"; readonly code: string; readonly message: string };
