/**
 * A block's name from the ids of the nodes it removes: their longest common
 * prefix cut back to a separator (`/stage1/stage1.0/rbr_dense/conv/Conv` and
 * `/stage1/stage1.0/rbr_1x1/conv/Conv` give `/stage1/stage1.0`).
 */
export function blockName(ids: readonly string[]): string {
  if (ids.length === 0) return "block";
  let prefix = ids[0]!;
  for (const id of ids) {
    let i = 0;
    while (i < prefix.length && i < id.length && prefix[i] === id[i]) i++;
    prefix = prefix.slice(0, i);
  }
  if (ids.length === 1) return prefix;
  const cut = Math.max(prefix.lastIndexOf("/"), prefix.lastIndexOf("."), prefix.lastIndexOf("_"));
  const name = (cut > 0 ? prefix.slice(0, cut) : prefix).replace(/[/._]+$/, "");
  return name === "" ? ids[ids.length - 1]! : name;
}
