import type { Block, Branch } from "../block/block.js";
import { kindOf } from "../branch/branch-kinds.js";

/**
 * The block with each row kernel (a conv's kernel, a 1x1 -> kxk branch's kxk
 * kernel: see `BranchKind.rowKernel`) cut to rows `[from - base, to - base)`,
 * where the block's kernels hold output channels from `base` on: the block
 * {@link fuseTo} takes with the window `{ from, to }`. Views, not copies;
 * shapes, BatchNorms, biases and the other branches stay as they are.
 */
export function blockRows(block: Block, base: number, from: number, to: number): Block {
  const branches = block.branches.map((b): Branch => {
    const kind = kindOf(b);
    const rows = kind.rowKernel(b);
    if (rows === undefined) return b;
    const [, iPer, kh, kw] = rows.shape;
    const per = iPer * kh * kw;
    const data = kind
      .kernels(b)
      .map((k) => (k === rows ? rows.data.subarray((from - base) * per, (to - base) * per) : k.data));
    return kind.withData(b, data);
  });
  return { ...block, branches };
}
