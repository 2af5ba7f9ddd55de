/**
 * What a host needs to know about a format before it loads the adapter's
 * code: how to recognise its files and how its models are laid out. Each
 * format package exports its facts from its dependency-free `detect` entry
 * (`@reparam/onnx/detect`), and its {@link FormatAdapter} carries the same
 * object, so a host (the CLI, a web page) iterates one list and never names a
 * format.
 */
export interface FormatFacts {
  /** `onnx`, `tfjs`, `safetensors`: the name reports and `--json` carry. */
  readonly format: string;
  /** True when the bytes/name look like this format (`head`: the file's first bytes). */
  detect(name: string, head: Uint8Array): boolean;
  /**
   * A model of this format is a folder of files (a main file and its shards)
   * rather than one main file with optional siblings.
   */
  readonly folder: boolean;
  /** Name of the main file inside a folder model (`model.json`); only for folder formats. */
  readonly mainFile?: string;
  /** File name endings longer than one extension (`.safetensors.index.json`), kept whole when naming outputs. */
  readonly suffixes: readonly string[];
  /**
   * The kind of runtime that runs its models (`onnx`, `tfjs`), so hosts can
   * run whole models; absent for formats that hold weights only (state dicts).
   */
  readonly runtime?: string;
  /** Storage dtypes of weights the adapter reads, as the format spells them. */
  readonly dtypes: readonly string[];
}
