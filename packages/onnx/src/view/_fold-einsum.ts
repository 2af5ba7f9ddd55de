import { stringAttribute } from "../codec/_attributes.js";
import {
  type FoldInput,
  type FoldPlanner,
  MAX_FOLD_WORK,
  broadcastDims,
  foldCount,
  isFoldFloat,
  stridesOf,
} from "./_fold-tensor.js";

// Products of float constants: Einsum (OREPA writes its kernel as one) and
// MatMul, summed in float64 in index order, never rounded here.

/** The letters of each operand and of the output, or undefined (ellipsis, bad letters, explicit output repeating a letter). */
export function einsumTerms(equation: string, operands: number): { ins: string[]; out: string } | undefined {
  const eq = equation.replace(/\s+/g, "");
  const [lhs, rhs] = eq.split("->") as [string, string | undefined];
  if (eq.split("->").length > 2 || !/^[A-Za-z,]*$/.test(lhs) || (rhs !== undefined && !/^[A-Za-z]*$/.test(rhs)))
    return undefined;
  const ins = lhs.split(",");
  if (ins.length !== operands) return undefined;
  const counts = new Map<string, number>();
  for (const c of ins.join("")) counts.set(c, (counts.get(c) ?? 0) + 1);
  const out =
    rhs ??
    [...counts]
      .flatMap(([c, n]) => (n === 1 ? [c] : []))
      .sort()
      .join(""); // implicit: the letters seen once, alphabetically
  if (new Set(out).size !== out.length || [...out].some((c) => !counts.has(c))) return undefined;
  return { ins, out };
}

/** Einsum of float constants of one type: every letter one extent; no ellipsis. */
export const planEinsum: FoldPlanner = (node, ins) => {
  const equation = stringAttribute(node, "equation", "");
  const terms = equation === undefined ? undefined : einsumTerms(equation, ins.length);
  const first = ins[0];
  if (terms === undefined || first === undefined || ins.some((i) => i === undefined)) return undefined;
  const all = ins as readonly FoldInput[];
  if (!isFoldFloat(first.dataType) || all.some((i) => i.dataType !== first.dataType)) return undefined;
  const extent = new Map<string, number>();
  for (const [k, letters] of terms.ins.entries()) {
    const dims = all[k]!.dims;
    if (dims.length !== letters.length) return undefined;
    for (const [a, c] of [...letters].entries()) {
      if ((extent.get(c) ?? dims[a]) !== dims[a]) return undefined;
      extent.set(c, dims[a]!);
    }
  }
  const summed = [...extent.keys()].filter((c) => !terms.out.includes(c));
  const letters = [...terms.out, ...summed];
  const dims = [...terms.out].map((c) => extent.get(c)!);
  const inner = summed.reduce((n, c) => n * extent.get(c)!, 1);
  const count = foldCount(dims);
  if (count === undefined || count * inner * all.length > MAX_FOLD_WORK) return undefined;
  // Per operand, the stride each letter of `letters` moves it by (a repeated letter adds up: a diagonal).
  const strides = terms.ins.map((t, k) => {
    const s = stridesOf(all[k]!.dims);
    return letters.map((c) => [...t].reduce((acc, d, a) => (d === c ? acc + s[a]! : acc), 0));
  });
  const ext = letters.map((c) => extent.get(c)!);
  return {
    dims,
    dataType: first.dataType,
    reads: all.map((_, i) => i),
    run: (vs) => {
      const src = vs.map((v) => v!.values as Float64Array);
      const values = new Float64Array(count);
      const idx = new Array<number>(letters.length).fill(0);
      const at = src.map(() => 0);
      const total = count * inner;
      for (let step = 0; step < total; step++) {
        let p = 1;
        for (let k = 0; k < src.length; k++) p *= src[k]![at[k]!]!;
        values[Math.floor(step / inner)]! += p;
        for (let a = letters.length - 1; a >= 0; a--) {
          idx[a]!++;
          for (let k = 0; k < src.length; k++) at[k]! += strides[k]![a]!;
          if (idx[a]! < ext[a]!) break;
          for (let k = 0; k < src.length; k++) at[k]! -= strides[k]![a]! * ext[a]!;
          idx[a] = 0;
        }
      }
      return { dims, dataType: first.dataType, values };
    },
  };
};

/** MatMul of float constants (numpy semantics: 1-D operands promoted, batch dims broadcast). */
export const planMatMul: FoldPlanner = (_node, [a, b]) => {
  if (a === undefined || b === undefined || !isFoldFloat(a.dataType) || a.dataType !== b.dataType) return undefined;
  if (a.dims.length === 0 || b.dims.length === 0) return undefined;
  const ad = a.dims.length === 1 ? [1, a.dims[0]!] : [...a.dims];
  const bd = b.dims.length === 1 ? [b.dims[0]!, 1] : [...b.dims];
  const [m, k] = ad.slice(-2) as [number, number];
  const [k2, n] = bd.slice(-2) as [number, number];
  const batch = broadcastDims(ad.slice(0, -2), bd.slice(0, -2));
  if (k !== k2 || batch === undefined) return undefined;
  const dims = [...batch, ...(a.dims.length === 1 ? [] : [m]), ...(b.dims.length === 1 ? [] : [n])];
  const count = foldCount(dims);
  if (count === undefined || count * k > MAX_FOLD_WORK) return undefined;
  const batches = batch.reduce((x, y) => x * y, 1);
  const offset = (d: readonly number[], bi: number) => {
    const lead = d.slice(0, -2);
    const s = stridesOf(lead);
    let rest = bi;
    let f = 0;
    for (let i = batch.length - 1, j = lead.length - 1; i >= 0; i--, j--) {
      const q = rest % batch[i]!;
      rest = Math.floor(rest / batch[i]!);
      if (j >= 0 && lead[j] !== 1) f += q * s[j]!;
    }
    return f * d.at(-2)! * d.at(-1)!;
  };
  return {
    dims,
    dataType: a.dataType,
    reads: [0, 1],
    run: ([x, y]) => {
      const u = x!.values as Float64Array;
      const v = y!.values as Float64Array;
      const values = new Float64Array(count);
      for (let bi = 0; bi < batches; bi++) {
        const oa = offset(ad, bi);
        const ob = offset(bd, bi);
        for (let i = 0; i < m; i++)
          for (let j = 0; j < n; j++) {
            let s = 0;
            for (let t = 0; t < k; t++) s += u[oa + i * k + t]! * v[ob + t * n + j]!;
            values[(bi * m + i) * n + j] = s;
          }
      }
      return { dims, dataType: a.dataType, values };
    },
  };
};
