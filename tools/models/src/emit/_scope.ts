// PyTorch-style ONNX node names (torch >= 1.13): one scope level per module
// called on the way, each named by its path from the last non-numeric atom
// (`/stage1/stage1.0/rbr_dense/conv/Conv`), node outputs `<node>_output_0`.

/** Containers that models iterate over instead of calling: they add no scope level. */
const UNCALLED = new Set(["blocks", "model", "rbr_conv", "conv_kxk"]);

/** The ONNX scope of a module path: `stage1.0.rbr_dense.conv` -> `/stage1/stage1.0/rbr_dense/conv`. */
export function scopeOf(path: string): string {
  if (path === "") return "";
  const atoms = path.split(".");
  const numeric = (s: string | undefined) => s !== undefined && /^\d+$/.test(s);
  let scope = "";
  let last = 0;
  atoms.forEach((atom, i) => {
    if (!numeric(atom)) last = i;
    if (numeric(atoms[i + 1]) && !numeric(atom) && UNCALLED.has(atom)) return;
    scope += `/${atoms.slice(last, i + 1).join(".")}`;
  });
  return scope;
}

/** Hands out unique node names in a scope, `Add`, `Add_1`, ... as PyTorch does. */
export function nodeNamer(): (scope: string, op: string) => string {
  const used = new Set<string>();
  return (scope, op) => {
    const base = `${scope}/${op}`;
    let name = base;
    for (let k = 1; used.has(name); k++) name = `${base}_${k}`;
    used.add(name);
    return name;
  };
}
