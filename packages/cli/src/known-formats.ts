import type { FormatAdapter, FormatFacts } from "@reparam/core";
import { onnxFormat } from "@reparam/onnx/detect";
import { pytorchFormat } from "@reparam/pytorch/detect";
import { safetensorsFormat } from "@reparam/safetensors/detect";
import { tfjsFormat } from "@reparam/tfjs/detect";

/**
 * A format the CLI knows: the package's own facts (how to recognise it, its
 * layout, the runtime that runs it), from its dependency-free `detect` entry;
 * how the CLI's help presents it; and its adapter, loaded only when used.
 */
export interface KnownFormat extends FormatFacts {
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
    ...onnxFormat,
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
    ...safetensorsFormat,
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
    ...tfjsFormat,
    input: "TF.js model.json / its folder",
    flags: [],
    examples: {
      convert: ["web_model/ -o web_model_deploy/"],
      inspect: [],
      verify: ["web_model/ web_model.deploy/ --backend cpu --latency 20"],
    },
    load: async () => (await import("@reparam/tfjs")).tfjsAdapter as FormatAdapter<unknown>,
  },
  {
    ...pytorchFormat,
    input: ".pth, .pt (torch.save: state dict, training checkpoint, full model)",
    flags: ["--scheme", "--eps"],
    examples: {
      convert: ["yolov7.pt --eps 1e-3", "ckpt.pth -o deploy.safetensors"],
      inspect: ["ckpt.pth"],
      verify: ["ckpt.pth ckpt.deploy.pth"],
    },
    load: async () => (await import("@reparam/pytorch")).pytorchAdapter as FormatAdapter<unknown>,
  },
];
