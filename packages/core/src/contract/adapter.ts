import type { Block, FusedConv } from "../block/block.js";
import type { ByteSink, ByteSource } from "./byte-source.js";
import type { DeployConv } from "./deploy-conv.js";
import type { KernelShape } from "../block/kernel.js";
import type { FusePlan, PlanResult } from "../block/fuse-plan.js";
import type { Refusal } from "../block/refusal.js";
import type { RequantizedTensor } from "./report.js";
import type { FormatFacts } from "./format-facts.js";
import type { FusedArrays, Fuser, FuseTarget } from "../engine/fuse-to.js";

/** The files of a model as an adapter sees them: the named file, and its siblings on request. */
export interface ModelInput {
  /** Name of the main file (`model.onnx`, `model.json`, `x.safetensors.index.json`), no folders. */
  readonly name: string;
  readonly main: ByteSource;
  /**
   * Opens a file beside the main one (external data, weight shards). The
   * adapter validates `relativePath` (no `..`, not absolute) before calling;
   * the host refuses anything that resolves outside the model's folder.
   */
  open(relativePath: string): Promise<ByteSource>;
}

/** Where an adapter writes: the main file and any siblings (shards, external data). */
export interface ModelOutput {
  /** Name the main output file should have. */
  readonly name: string;
  /** Creates (or replaces) one output file; the host makes the set appear atomically. */
  create(relativePath: string): Promise<ByteSink & { close(): Promise<void> }>;
}

/** Options every adapter understands. */
export interface ConvertOptions {
  /** BatchNorm epsilon where the format does not store it (state dicts). */
  readonly eps?: number;
  /** Which fusions to run: only single conv+BN folds, only multi-branch blocks, or both. */
  readonly only?: "bn" | "branches";
  /** Blocks whose name matches any of these (substring or `*` glob), or whose id is one of them, are left alone. */
  readonly exclude?: readonly string[];
  /** Output dtype of fused weights: as in the input, or forced. */
  readonly dtype?: "keep" | "f32" | "f16";
  /** Naming scheme (state dicts) chosen by name, or auto-detected when absent. */
  readonly scheme?: string;
  /**
   * Graphs: which exact chains of convs (conv -> [BN / affine / Pad] -> conv,
   * a fused block and the conv after it) become one conv. `cheaper`
   * (default): only those whose one conv needs no more multiply-adds per
   * output than the chain (a depthwise 7x7 then a 1x1 stays two convs);
   * `all`: every exact one (fewest ops, possibly slower). A chain inside a
   * sum of branches always merges with the sum.
   */
  readonly chains?: "cheaper" | "all";
  /**
   * How fuse decisions fuse a block (default core's `fuseTo`): any
   * replacement must give the same bytes, e.g. `parallelFuser` of
   * `@reparam/core/node`, which uses a second core for large blocks.
   */
  readonly fuser?: Fuser;
  /** Adapter-specific settings, passed through. */
  readonly [key: string]: unknown;
}

/** A block found in a model: its name, family, shapes and BNs; kernel data on demand. */
export interface Candidate {
  readonly name: string;
  /**
   * A stable id unique within the model, where the name is not (names come
   * from node ids and repeat: `p2o`, `PartitionedCall`): a graph block's
   * output tensor; absent where the name is unique already (a state dict's
   * key prefix), which then serves as the id. `--exclude` takes it.
   */
  readonly id?: string;
  /** `repvgg`, `mobileone`, `acnet`, `qarepvgg`, `dbb`, `conv-bn` ... */
  readonly family: string;
  /**
   * Candidates that share a group fuse together or not at all (they fold one
   * BatchNorm that the writer removes only when every one of them absorbed
   * it): when one is skipped or refused, `decide` skips the others.
   */
  readonly group?: string;
  readonly layout: Block<KernelShape>;
  /**
   * `planBlock(layout)`, when the adapter has already made it (`matchBlocks`
   * plans every block it finds): `decide` then reuses it instead of planning
   * again, and so can the adapter. It must be the plan of this very
   * `layout`: a candidate copied with another layout must drop it.
   */
  readonly plan?: PlanResult;
  /**
   * A block merged from blocks found before it (`matchBlocks`' rounds): those
   * blocks, each with its own layout and plan. Its `load` reads their float64
   * fusions as its kernels, so a verifier checks each part against its own
   * branches too (the train-time ops), not only the merge.
   */
  readonly parts?: readonly Candidate[];
  /** Reads the kernels and returns the full block. */
  load(): Promise<Block>;
  /**
   * Only from formats that store kernels in TF's layout, and only for blocks
   * with conv branches alone (plus identities): the full block with every
   * conv kernel's values in HWIO order as stored (shapes stay OIHW), for
   * `fuseIntoHwio`, which then needs no transposes.
   */
  loadHwio?(): Promise<Block>;
}

/** What happens to a candidate. */
export type Decision =
  | {
      readonly kind: "fuse";
      readonly candidate: Candidate;
      readonly plan: FusePlan;
      /** The full block (kernels read): the candidate's `load`. */
      load(): Promise<Block>;
      /** The candidate's `loadHwio`, present when the candidate has one. */
      loadHwio?(): Promise<Block>;
      /**
       * The one way an adapter fuses this block into its storage: core's
       * {@link fuseTo} with this decision's plan (float64, rounded once into
       * `target.dtype`, finiteness checked). `block` is this candidate's
       * (from `load`, `loadHwio`, or the rows of `target.window`). The
       * output channels it fuses count toward the conversion's progress, so
       * every adapter reports progress, windowed (chunked) writers too.
       */
      fuse(block: Block, target: FuseTarget): FusedArrays;
      /** The float64 fused conv (load + fuse; for verification). */
      fused(): Promise<FusedConv>;
    }
  | { readonly kind: "refuse"; readonly candidate: Candidate; readonly refusal: Refusal }
  | { readonly kind: "skip"; readonly candidate: Candidate; readonly why: string };

/** What an adapter's encode reports back. */
export interface EncodeStats {
  readonly parametersAfter: number;
  readonly bytesWritten: number;
  /** Free-form lines for the report (eps used, keys passed through ...). */
  readonly notes?: readonly string[];
  /** Fused tensors re-quantized into the input's affine encoding, with their error (see {@link RequantizedTensor}). */
  readonly requantized?: readonly RequantizedTensor[];
}

/**
 * The contract every format package implements; {@link reparameterize}
 * drives it. Its {@link FormatFacts} (format name, detect, layout, dtypes) are
 * the same object the package's `detect` entry exports, so a host can
 * recognise a file before loading the rest. A new format is one package
 * implementing this plus one line in the host's adapter list.
 */
export interface FormatAdapter<M> extends FormatFacts {
  decode(input: ModelInput, options: ConvertOptions): Promise<M>;
  /** Candidates, plus blocks refused while matching (structure, not algebra). */
  findBlocks(model: M, options: ConvertOptions): Promise<{ candidates: Candidate[]; refused: Refusal[] }>;
  /** Parameter count of the model as decoded. */
  parameterCount(model: M): number;
  /** Writes the converted model, calling `fused()` of each fuse decision when it needs the data. */
  encode(model: M, decisions: readonly Decision[], output: ModelOutput, options: ConvertOptions): Promise<EncodeStats>;
  /** Format details for the report (opset, dtype, format version). */
  describe?(model: M): Record<string, string>;
  /**
   * Whether the writer can place the fused conv of `candidate` (one of this
   * model's, planned as `plan`): undefined when it can, else the refusal
   * (`FORMAT_UNSUPPORTED`: a conv the format cannot express). `decide`
   * turns the block into that refusal, so no fuse decision reaches `encode`
   * that it would have to drop.
   */
  canWrite?(model: M, candidate: Candidate, plan: FusePlan): Refusal | undefined;
  /**
   * For `reparam verify`: the conv that stands for `candidate` (found by this
   * adapter's `findBlocks` in `original`) in `converted` (a model of the same
   * format, decoded by this adapter), read from `converted` as stored; or
   * undefined when that block is not fused there (its branches are still
   * there, or it is absent). `plan` is the block's fusion plan, for formats
   * that do not store geometry (state dicts).
   */
  deployConv?(original: M, converted: M, candidate: Candidate, plan: FusePlan): Promise<DeployConv | undefined>;
}
