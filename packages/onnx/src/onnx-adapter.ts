import {
  ReparamError,
  type Decision,
  type EncodeStats,
  type FormatAdapter,
  bufferPool,
  shapeSize,
} from "@reparam/core";
import { TensorProto_DataType as DT } from "onnx-buf";
import { applyFusions, blockDataType, type Fusion } from "./write/_apply-fusions.js";
import { findOnnxBlocks } from "./view/_find-onnx-blocks.js";
import { initializerInputNote } from "./view/_initializer-input-note.js";
import { inputFiles } from "./_input-files.js";
import { modelFacts, weightCount } from "./view/_model-facts.js";
import { writeModel } from "./write/_write-model.js";
import { withLazyTensors } from "./write/_lazy-pending.js";
import { checkGraph } from "./view/check-graph.js";
import { onnxFormat } from "./detect-onnx.js";
import { decodeModelFrom } from "./codec/decode-model.js";
import { internalizeTensors } from "./codec/internalize-tensors.js";
import { dataTypeLabel } from "./codec/onnx-dtype.js";
import { externalThreshold, initializersAsInputs, lazyBytes } from "./onnx-convert-options.js";
import type { OnnxModel } from "./codec/onnx-model.js";
import type { OnnxGraphView } from "./view/onnx-graph-view.js";
import { onnxDeployConv } from "./write/onnx-deploy-conv.js";
import { unknownBlock } from "./write/_unknown-block.js";
import { prefetchLoads } from "./write/_prefetch-loads.js";

/**
 * Blocks whose fused kernel (float32) is at most this large have their kernels
 * read while the block before is fused and written: RepVGG-B3's 21 MB blocks,
 * not its last, 71 MB one (peak memory stays under 300 MB).
 */
const READ_AHEAD_BYTES = 32 << 20;

const DTYPE_OPTION: Record<string, number> = { f32: DT.FLOAT, f16: DT.FLOAT16 };

/**
 * The ONNX format adapter for core's `reparameterize`:
 * - decode: parses the `.onnx` file's structure (unknown fields kept; large
 *   initializers' data left in the file and read when needed), loads external
 *   data through `input.open` (locations checked first; never outside the
 *   model's folder), and checks the graph (cycles, undefined inputs);
 * - findBlocks: core's matcher on `onnxGraphView` (see `findOnnxBlocks`);
 *   initializers that are also graph inputs read as weights, unless
 *   `initializersAsInputs: 'inputs'` (then blocks reading them are refused);
 * - encode: one Conv with bias per fused block, in the block's weight dtype,
 *   dead weights (from the graph inputs too, where they were listed there)
 *   and stale value_info dropped, refused and skipped blocks untouched; a
 *   report note when initializers were also graph inputs; external data
 *   written to `<output>.data` when the input had
 *   some (or `externalData: true`, see {@link OnnxConvertOptions}). The
 *   output is written piece by piece: untouched tensors straight from the
 *   input's bytes, each block fused as its turn comes (straight into its
 *   storage dtype from `load()` and the plan, by core's `fuseTo`), so only
 *   about one block is held at a time.
 * With nothing fused the output is the input, byte for byte (when it was
 * written by the reference serializer and had no external data).
 */
export const onnxAdapter: FormatAdapter<OnnxModel> = {
  ...onnxFormat,

  async decode(input, options) {
    const proto = await decodeModelFrom(input.main, input.name, lazyBytes(options));
    const loaded = await internalizeTensors(proto, inputFiles(input));
    checkGraph(proto);
    return { proto, name: input.name, externalData: loaded > 0, blocks: new Map() };
  },

  findBlocks: findOnnxBlocks,

  parameterCount: (model) => weightCount(model.proto),

  async encode(model, decisions, output, options): Promise<EncodeStats> {
    const threshold = externalThreshold(options, model.externalData);
    const fusions: Fusion[] = [];
    const fusedPool = bufferPool(); // fused kernels' memory, filled again once the file sink has let go of it
    let graph: OnnxGraphView | undefined;
    const fuse = decisions.filter((d): d is Extract<Decision, { kind: "fuse" }> => d.kind === "fuse");
    // The next block's kernels are read while one is fused and written, when they are small enough (peak memory).
    const loads = prefetchLoads(
      fuse.map((d) => ({ load: () => d.load(), bytes: 4 * shapeSize(d.plan.kernelShape) })),
      READ_AHEAD_BYTES,
    );
    for (const [k, d] of fuse.entries()) {
      const block = model.blocks.get(d.candidate);
      if (block === undefined) throw unknownBlock(d.candidate);
      const view = block.graph;
      graph = view;
      // Blocks are fused straight into their storage dtype (load + plan) as they are written, one at a time.
      fusions.push({
        ...(block.keptKernel === undefined ? {} : { keptKernel: block.keptKernel }),
        match: block.match,
        source: {
          plan: d.plan,
          load: loads[k]!,
          fuse: (b, t) => d.fuse(b, t),
          loaded: (b) => view.reuse(b),
          output: fusedPool,
        },
      });
    }
    const forced = DTYPE_OPTION[String(options.dtype)];
    const mismatch = forced === undefined ? undefined : fusions.find((f) => blockDataType(graph!, f.match) !== forced);
    if (mismatch !== undefined) {
      // Before anything is written: an ONNX Conv's weights must have its input's type.
      throw new ReparamError(
        "ONNX_BAD_OPTION",
        `dtype '${String(options.dtype)}' cannot be applied to this ONNX model`,
        {
          where: `block '${mismatch.match.candidate.name}'`,
          expected: `fused weights of the block's own type (${dataTypeLabel(blockDataType(graph!, mismatch.match))})`,
          found: `dtype '${String(options.dtype)}'`,
          hint: "an ONNX Conv's weights must have its input's type: leave dtype at 'keep' (convert the whole model to float16 first to get float16 weights)",
        },
      );
    }
    const { model: proto, pending } =
      graph === undefined
        ? { model: model.proto, pending: new Map() }
        : applyFusions(model.proto, graph, fusions, forced === undefined);
    checkGraph(proto);
    const written = await writeModel(proto, withLazyTensors(proto, pending), output, threshold);
    const notes: string[] = [];
    if (written.external !== undefined)
      notes.push(`external data: ${written.external.tensors} tensors in '${written.external.location}'`);
    const inputs = initializerInputNote(model.proto, proto, initializersAsInputs(options));
    if (inputs !== undefined) notes.push(inputs);
    return { parametersAfter: weightCount(proto), bytesWritten: written.bytes, notes };
  },

  describe: (model) => ({ ...modelFacts(model.proto), external_data: model.externalData ? "yes" : "no" }),
  deployConv: (original, converted, candidate) => onnxDeployConv(original, converted, candidate),
};
