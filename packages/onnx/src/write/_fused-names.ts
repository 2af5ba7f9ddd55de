/** Names for a fused conv: its node, weight and bias. */
export interface FusedNames {
  readonly node: string;
  readonly weight: string;
  readonly bias: string;
}

/** Deploy module names of the families, recognised by their train-time branch names. */
const DEPLOY_MODULE: readonly (readonly [RegExp, string])[] = [
  [/\b(rbr_dense|rbr_1x1|rbr_identity)\b/, "rbr_reparam"],
  [/\b(conv_kxk|conv_scale|conv_1x1|rbr_conv|rbr_scale|rbr_skip)\b/, "reparam_conv"],
  [/\b(square_conv|ver_conv|hor_conv|square_bn|ver_bn|hor_bn)\b/, "fused_conv"],
  [/\b(dbb_origin|dbb_1x1|dbb_1x1_kxk|dbb_avg)\b/, "dbb_reparam"],
];

/**
 * The PyTorch module path of an exporter scope: `/stage1/stage1.0/rbr_dense`
 * gives `stage1.0.rbr_dense` (a segment that extends the path so far with a
 * dot replaces it, as torch's scopes nest full names).
 */
export function modulePath(scope: string): string {
  let path = "";
  for (const seg of scope.split("/").filter((s) => s !== "")) {
    path = path !== "" && !seg.startsWith(`${path}.`) ? `${path}.${seg}` : seg;
  }
  return path;
}

function unique(base: string, taken: ReadonlySet<string>, suffixes: readonly string[]): string {
  for (let i = 0; ; i++) {
    const b = i === 0 ? base : `${base}_${i}`;
    if (suffixes.every((s) => !taken.has(`${b}${s}`))) return b;
  }
}

/**
 * Names a fused conv after its block, the way the family's own deploy
 * conversion names it: block `/blocks.0` with `rbr_dense` branches gives
 * node `/blocks.0/rbr_reparam/Conv` and initializers
 * `blocks.0.rbr_reparam.weight` / `.bias`. A conv + BN fold is named after
 * its conv (`/stem/conv/Conv` -> `stem.conv.weight`). Names are made unique
 * against `taken` (tensor names) and `takenNodes`.
 *
 * @param block - the block's name (from core's blockName)
 * @param ids - ids of the nodes the block removes
 * @param conv - for a conv + BN fold, the conv node's name
 */
export function fusedNames(
  block: string,
  ids: readonly string[],
  conv: string | undefined,
  taken: ReadonlySet<string>,
  takenNodes: ReadonlySet<string>,
): FusedNames {
  let scope: string;
  let nodeName: string;
  if (conv !== undefined) {
    const segs = conv.split("/");
    scope = segs.length > 1 ? segs.slice(0, -1).join("/") : conv; // drop the op segment: /stem/conv/Conv -> /stem/conv
    nodeName = conv;
  } else {
    const joined = ids.join(" ");
    const module = DEPLOY_MODULE.find(([re]) => re.test(joined))?.[1] ?? "rbr_reparam";
    scope = `${block}/${module}`;
    nodeName = block.startsWith("/") ? `${scope}/Conv` : `${modulePath(scope)}`;
  }
  const path = modulePath(scope) || "fused";
  const base = unique(path, taken, [".weight", ".bias"]);
  return { node: unique(nodeName, takenNodes, [""]), weight: `${base}.weight`, bias: `${base}.bias` };
}
