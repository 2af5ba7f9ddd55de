import { blockNameMatch } from "./block-name-match.js";

/**
 * Whether an `--exclude` pattern targets a block: a pattern on its name (see
 * {@link blockNameMatch}; names repeat, `p2o` thirty times in a paddle2onnx
 * export), or its id exactly (one leading `/` ignored on both sides), which
 * is unique in the model and so targets that one block.
 *
 * @param pattern - the user's pattern or block id
 * @param block - the block's name and its id (a graph block's output tensor; a state dict's key prefix)
 */
export function blockMatch(
  pattern: string,
  block: { readonly name: string; readonly id?: string | undefined },
): boolean {
  if (blockNameMatch(pattern, block.name)) return true;
  if (block.id === undefined) return false;
  const bare = (s: string) => (s.startsWith("/") ? s.slice(1) : s);
  return bare(pattern) === bare(block.id);
}
