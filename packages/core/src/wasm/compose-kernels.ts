import { COMPOSE_KERNELS_WASM } from "./_compose-kernels-bytes.js";
import { instantiateWasm, wasmKernelsEnabled } from "./wasm-module.js";

const PAGE = 65536;
/**
 * Bytes of K1 matrices (with their 1x1 biases) kept in the module at most:
 * past this, all are dropped and each loaded again on its next use.
 * DBB-A0's largest K1 is 192 x 192 float64 (288 KiB); a block's few stay
 * while it fuses.
 */
let heapCap = 64 << 20;
/** A branch whose K1 and one row's scratch need more than this runs in JavaScript. */
const MAX_BYTES = 512 << 20;

const align = (bytes: number) => (bytes + 15) & ~15;

/**
 * The module's memory: bytes [0, scratch) hold one call's row, K2 row,
 * weights, K1 row addresses and bias term; above it, the K1 matrices and
 * 1x1 biases of the branches that use the module (a bump heap, emptied when
 * full or when the scratch must grow).
 */
interface ComposeModule {
  readonly memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  readonly prepare: (
    k2: number,
    nm: number,
    hw: number,
    t: number,
    b1: number,
    w2: number,
    kofs: number,
    rows: number,
    rowBytes: number,
    biasAt: number,
  ) => number;
  readonly compose: (
    row: number,
    pos: number,
    hw: number,
    cs: number,
    nc: number,
    w2: number,
    n: number,
    kofs: number,
  ) => void;
  f64: Float64Array;
  i32: Int32Array;
  scratch: number;
  top: number;
  /** Bumped whenever the heap is emptied: a branch whose K1 was placed in an earlier generation loads it again. */
  generation: number;
}

/** undefined: not tried yet; null: this runtime cannot run it. */
let loaded: ComposeModule | null | undefined;

function load(): ComposeModule | null {
  const exports = instantiateWasm(COMPOSE_KERNELS_WASM);
  if (exports === null) return null;
  const memory = exports.memory as ComposeModule["memory"];
  return {
    memory,
    prepare: exports.prepare as ComposeModule["prepare"],
    compose: exports.compose as ComposeModule["compose"],
    f64: new Float64Array(memory.buffer),
    i32: new Int32Array(memory.buffer),
    scratch: 0,
    top: 0,
    generation: 0,
  };
}

function fit(mod: ComposeModule, bytes: number): void {
  const have = mod.memory.buffer.byteLength;
  if (bytes <= have) return;
  mod.memory.grow(Math.ceil((bytes - have) / PAGE));
  mod.f64 = new Float64Array(mod.memory.buffer);
  mod.i32 = new Int32Array(mod.memory.buffer);
}

function empty(mod: ComposeModule): void {
  mod.generation++;
  mod.top = mod.scratch;
}

/**
 * DBB's 1x1 -> kxk composition of one branch in WebAssembly
 * (compose-kernels.wat): per output channel, the weights w = K2 t of the live
 * internal channels (those with a non-zero weight), the bias term
 * sum of w b1[m], and
 * `row[q(c, j)] += sum over live m ascending of w[m][j] K1[g, m, c]` in SIMD,
 * each sum in the order and with the operations (multiply, then add) of the
 * JavaScript loops, so the same bits. K1 and b1 go into the module's memory
 * once per branch (again only if other branches' pushed them out); each call
 * copies the output channel's K2 row in and the row's channels of the
 * group in and out.
 */
export class ComposeKernel {
  private generation = -1;
  private k1At = 0;
  private b1At = 0;
  private posAt = 0;
  private readonly hw: number;
  private readonly rowLength: number;
  private readonly w2At: number;
  private readonly k2At: number;
  private readonly kofsAt: number;
  private readonly biasAt: number;
  private rowView: Float64Array = new Float64Array(0); // the module's row, while its memory does not grow

  /**
   * @param k1 - the 1x1's kernel, [groups][mPer][cPer] float64
   * @param b1 - the 1x1's bias, [groups][mPer]
   * @param pos - per kxk position j, its row index at input channel 0
   * @param channelStride - row indices between input channels (kh kw of the block)
   */
  private constructor(
    private readonly mod: ComposeModule,
    private readonly k1: Float64Array,
    private readonly b1: Float64Array,
    private readonly pos: Int32Array,
    private readonly mPer: number,
    private readonly cPer: number,
    private readonly channelStride: number,
  ) {
    this.hw = pos.length;
    this.rowLength = cPer * channelStride;
    this.w2At = align(this.rowLength * 8);
    this.k2At = this.w2At + align(mPer * this.hw * 8);
    this.kofsAt = this.k2At + align(mPer * this.hw * 8);
    this.biasAt = this.kofsAt + align(mPer * 4);
  }

  private get scratchBytes(): number {
    return this.biasAt + 16;
  }

  /** Undefined when the kernels are off or missing in this thread, or the branch is too large: JavaScript then composes. */
  static create(
    k1: Float64Array,
    b1: Float64Array,
    pos: Int32Array,
    mPer: number,
    cPer: number,
    channelStride: number,
  ): ComposeKernel | undefined {
    if (!wasmKernelsEnabled()) return undefined;
    if (loaded === undefined) loaded = load();
    if (loaded === null) return undefined;
    const kernel = new ComposeKernel(loaded, k1, b1, pos, mPer, cPer, channelStride);
    if (kernel.scratchBytes + (k1.length + b1.length) * 8 + pos.length * 4 > MAX_BYTES) return undefined;
    return kernel;
  }

  /**
   * Output channel o of group `g`, its kxk weights `k2[k2From..]` ([m][j])
   * times `t`: adds its sums to input channels [0, cPer) of the row at
   * indices from `rowAt` (channel c at rowAt + c channelStride + pos[j])
   * and returns its bias term, sum over m, j of w b1[g, m] (w != 0).
   */
  compose(
    row: Float64Array,
    rowAt: number,
    k2: Float32Array | Float64Array,
    k2From: number,
    t: number,
    g: number,
  ): number {
    const mod = this.mod;
    const { hw, mPer, cPer } = this;
    if (this.scratchBytes > mod.scratch) {
      mod.scratch = this.scratchBytes;
      empty(mod);
      fit(mod, mod.top);
    }
    if (this.generation !== mod.generation) this.place();
    const f64 = mod.f64;
    f64.set(k2.subarray(k2From, k2From + mPer * hw), this.k2At >> 3);
    const rows = this.k1At + g * mPer * cPer * 8;
    const b1 = this.b1At + g * mPer * 8;
    const n = mod.prepare(this.k2At, mPer, hw, t, b1, this.w2At, this.kofsAt, rows, cPer * 8, this.biasAt);
    if (n > 0) {
      // The row's channels of the group; most often the whole row (no view to make).
      const whole = rowAt === 0 && row.length === this.rowLength;
      f64.set(whole ? row : row.subarray(rowAt, rowAt + this.rowLength), 0);
      mod.compose(0, this.posAt, hw, this.channelStride * 8, cPer, this.w2At, n, this.kofsAt);
      if (this.rowView.buffer !== f64.buffer) this.rowView = f64.subarray(0, this.rowLength);
      row.set(this.rowView, rowAt);
    }
    return f64[this.biasAt >> 3]!;
  }

  /** Copies K1, b1 and the position offsets onto the heap (emptying it first when full). */
  private place(): void {
    const mod = this.mod;
    const k1Bytes = align(this.k1.length * 8);
    const b1Bytes = align(this.b1.length * 8);
    const bytes = k1Bytes + b1Bytes + align(this.pos.length * 4);
    if (mod.top + bytes > mod.scratch + heapCap) empty(mod);
    this.k1At = mod.top;
    this.b1At = mod.top + k1Bytes;
    this.posAt = this.b1At + b1Bytes;
    mod.top += bytes;
    fit(mod, mod.top);
    mod.f64.set(this.k1, this.k1At >> 3);
    mod.f64.set(this.b1, this.b1At >> 3);
    for (let j = 0; j < this.pos.length; j++) mod.i32[(this.posAt >> 2) + j] = this.pos[j]! * 8;
    this.generation = mod.generation;
  }
}

/**
 * For tests: how often this thread's module dropped its K1 matrices, the
 * bytes they take now, and a cap to set (bytes; undefined: keep it).
 */
export function composeHeap(cap?: number): { readonly drops: number; readonly bytes: number } {
  if (cap !== undefined) heapCap = cap;
  if (loaded === undefined || loaded === null) return { drops: 0, bytes: 0 };
  return { drops: loaded.generation, bytes: loaded.top - loaded.scratch };
}
