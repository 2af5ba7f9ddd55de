import type { NeutralOp } from "@reparam/core";
import type { NodeProto } from "onnx-buf";
import type { OnnxConstant } from "./_constant-table.js";

/** What `neutralOp` needs to know about the graph around a node. */
export interface OpContext {
  readonly constants: ReadonlyMap<string, OnnxConstant>;
  /** Version of the default ONNX domain. */
  readonly opset: number;
  /** Rank of a tensor, when known. */
  rank(tensor: string): number | undefined;
  /** Dims of a tensor as far as known, also through layout ops (see `layoutDims`). */
  dims?(tensor: string): readonly (number | undefined)[] | undefined;
  /** The nodes that read a tensor (subgraph captures included), when known. */
  readers?(tensor: string): readonly NodeProto[];
}

/** A node read for matching: its op and its data (non-constant) inputs. */
export interface NodeReading {
  readonly op: NeutralOp;
  readonly inputs: readonly string[];
}
