import { intAttribute, intsAttribute, stringAttribute } from "../codec/_attributes.js";
import { type FoldPlanner, MAX_FOLD_WORK, foldCount, isFoldFloat, stridesOf } from "./_fold-tensor.js";

/**
 * Conv of float constants (a kernel made by convolving two kernels, as some
 * re-parameterized exports do in-graph): any number of spatial axes, groups,
 * strides, dilations, explicit pads (auto_pad NOTSET or VALID), optional
 * bias; summed in float64, never rounded here.
 */
export const planConv: FoldPlanner = (node, [x, w, b]) => {
  if (x === undefined || w === undefined || !isFoldFloat(x.dataType) || w.dataType !== x.dataType) return undefined;
  if (b !== undefined && b.dataType !== x.dataType) return undefined;
  const r = x.dims.length - 2;
  if (r < 1 || w.dims.length !== r + 2) return undefined;
  const [n, c] = x.dims as [number, number];
  const [m, cg] = w.dims as [number, number];
  const group = intAttribute(node, "group", 1);
  const autoPad = stringAttribute(node, "auto_pad", "NOTSET");
  const ones = new Array<number>(r).fill(1);
  const strides = intsAttribute(node, "strides") ?? ones;
  const dilations = intsAttribute(node, "dilations") ?? ones;
  const pads =
    autoPad === "VALID"
      ? new Array<number>(2 * r).fill(0)
      : (intsAttribute(node, "pads") ?? new Array<number>(2 * r).fill(0));
  const kernel = w.dims.slice(2);
  const shape = intsAttribute(node, "kernel_shape");
  if (autoPad !== "NOTSET" && autoPad !== "VALID") return undefined;
  if (!(group >= 1) || c !== cg * group || m % group !== 0) return undefined;
  if (strides.length !== r || dilations.length !== r || pads.length !== 2 * r) return undefined;
  if (shape !== undefined && (shape.length !== r || shape.some((k, i) => k !== kernel[i]))) return undefined;
  if ([...strides, ...dilations].some((v) => !(v >= 1)) || pads.some((p) => !(p >= 0))) return undefined;
  if (b !== undefined && (b.dims.length !== 1 || b.dims[0] !== m)) return undefined;
  const spatial = x.dims.slice(2).map((d, i) => {
    const room = d + pads[i]! + pads[i + r]! - (kernel[i]! - 1) * dilations[i]! - 1;
    return room < 0 ? -1 : Math.floor(room / strides[i]!) + 1;
  });
  if (spatial.some((d) => d < 0)) return undefined;
  const dims = [n, m, ...spatial];
  const count = foldCount(dims);
  const taps = kernel.reduce((a, k) => a * k, 1);
  if (count === undefined || count * cg * taps > MAX_FOLD_WORK) return undefined;
  const xs = stridesOf(x.dims);
  const ws = stridesOf(w.dims);
  const os = stridesOf(dims);
  const perGroup = m / group;
  return {
    dims,
    dataType: x.dataType,
    reads: b === undefined ? [0, 1] : [0, 1, 2],
    run: ([xv, wv, bv]) => {
      const X = xv!.values as Float64Array;
      const W = wv!.values as Float64Array;
      const B = bv?.values as Float64Array | undefined;
      const values = new Float64Array(count);
      const o = new Array<number>(r).fill(0);
      const k = new Array<number>(r).fill(0);
      const outPlane = count / (n * m);
      for (let bi = 0; bi < n; bi++)
        for (let mo = 0; mo < m; mo++) {
          const g = Math.floor(mo / perGroup);
          for (let p = 0; p < outPlane; p++) {
            let rest = p;
            for (let a = r - 1; a >= 0; a--) {
              o[a] = rest % spatial[a]!;
              rest = Math.floor(rest / spatial[a]!);
            }
            let s = B?.[mo] ?? 0;
            for (let ci = 0; ci < cg; ci++)
              for (let t = 0; t < taps; t++) {
                let tr = t;
                for (let a = r - 1; a >= 0; a--) {
                  k[a] = tr % kernel[a]!;
                  tr = Math.floor(tr / kernel[a]!);
                }
                let xi = bi * xs[0]! + (g * cg + ci) * xs[1]!;
                let inside = true;
                for (let a = 0; a < r && inside; a++) {
                  const at = o[a]! * strides[a]! - pads[a]! + k[a]! * dilations[a]!;
                  inside = at >= 0 && at < x.dims[a + 2]!;
                  xi += at * xs[a + 2]!;
                }
                if (inside) s += X[xi]! * W[mo * ws[0]! + ci * ws[1]! + t]!;
              }
            values[bi * os[0]! + mo * os[1]! + p] = s;
          }
        }
      return { dims, dataType: x.dataType, values };
    },
  };
};
