import type { FormatAdapter } from "@reparam/core";
import { detectOnnx } from "@reparam/onnx/detect";
import { detectSafetensors } from "@reparam/safetensors/detect";
import { detectTfjs } from "@reparam/tfjs/detect";
import type { RuntimeFamilyName } from "@reparam/validate";

/** A format the CLI knows: how to recognise it cheaply, and its adapter, loaded only when used. */
export interface KnownFormat {
  readonly format: string;
  /** The adapter's own `detect`, from the package's dependency-free `detect` entry. */
  readonly detect: (name: string, head: Uint8Array) => boolean;
  /** A model of this format is a folder of files (`model.json` and its shards) rather than a main file. */
  readonly folder: boolean;
  /** The `@reparam/validate` runtime family that runs its models, so verify runs the whole models too; none for state dicts. */
  readonly runtime?: RuntimeFamilyName;
  /** File name endings longer than one extension, kept whole when naming the default output. */
  readonly suffixes: readonly string[];
  /** How `--help` names an input of this format (`.onnx`; a folder format: what the folder holds). */
  readonly input: string;
  /** The format-only flags it takes (`--scheme`, `--eps`); their `--help` names the formats that take them. */
  readonly flags: readonly string[];
  /** `--help` examples per command: the arguments after `reparam <command>`. */
  readonly examples: { readonly [command in "convert" | "inspect" | "verify"]: readonly string[] };
  readonly load: () => Promise<FormatAdapter<unknown>>;
}

/**
 * The formats the CLI knows, in detection order. Adapters are imported when a
 * model of their format is opened, so a run pays for one format's code (the
 * ONNX schema alone takes a tenth of a second to load). A new format is one
 * package implementing core's FormatAdapter, with a `detect` entry, plus one
 * line here.
 */
export const formats: readonly KnownFormat[] = [
  {
    format: "onnx",
    detect: detectOnnx,
    folder: false,
    runtime: "onnx",
    suffixes: [],
    input: ".onnx",
    flags: [],
    examples: {
      convert: ["model.onnx", "model.onnx --only bn --json"],
      inspect: ["model.onnx"],
      verify: ["model.onnx model.deploy.onnx"],
    },
    load: async () => (await import("@reparam/onnx")).onnxAdapter as FormatAdapter<unknown>,
  },
  {
    format: "safetensors",
    detect: detectSafetensors,
    folder: false,
    suffixes: [".safetensors.index.json"],
    input: ".safetensors, .safetensors.index.json",
    flags: ["--scheme", "--eps"],
    examples: {
      convert: ["yolo.safetensors --eps 1e-3 -o deploy.safetensors"],
      inspect: ["checkpoint.safetensors --json"],
      verify: ["ckpt.safetensors ckpt.deploy.safetensors --json"],
    },
    load: async () => (await import("@reparam/safetensors")).safetensorsAdapter as FormatAdapter<unknown>,
  },
  {
    format: "tfjs",
    detect: detectTfjs,
    folder: true,
    runtime: "tfjs",
    suffixes: [],
    input: "TF.js model.json / its folder",
    flags: [],
    examples: {
      convert: ["web_model/ -o web_model_deploy/"],
      inspect: [],
      verify: ["web_model/ web_model.deploy/ --backend cpu --latency 20"],
    },
    load: async () => (await import("@reparam/tfjs")).tfjsAdapter as FormatAdapter<unknown>,
  },
];
