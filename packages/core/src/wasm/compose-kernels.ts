import { COMPOSE_KERNELS_WASM } from "./_compose-kernels-bytes.js";
import { wasmKernelsEnabled } from "./scale-kernels.js";
import { instantiateWasm } from "./wasm-module.js";

const PAGE = 65536;
/**
 * Bytes of K1 matrices kept in the module at most: past this, all are
 * dropped and each loaded again on its next use. DBB-A0's largest K1 is
 * 192 x 192 float64 (288 KiB); a block's few stay while it fuses.
 */
let heapCap = 64 << 20;
/** A branch whose K1 and one row's scratch need more than this runs in JavaScript. */
const MAX_BYTES = 512 << 20;

const align = (bytes: number) => (bytes + 15) & ~15;

/**
 * The module's memory: bytes [0, scratch) hold one call's row, weights and
 * K1 row addresses; above it, the K1 matrices of the branches that use the
 * module (a bump heap, emptied when full or when the scratch must grow).
 */
interface ComposeModule {
  readonly memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
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
 * DBB's 1x1 -> kxk composition of one branch in WebAssembly SIMD
 * (compose-kernels.wat): per output channel,
 * `row[q(c, j)] += sum over live k ascending of w2[k][j] K1[g, k, c]`, each
 * sum in the order and with the operations (multiply, then add) of the
 * JavaScript loop, so the same bits. K1 goes into the module's memory once
 * per branch (again only if other branches' K1 pushed it out); each call
 * copies the row's channels of the group in and out.
 */
export class ComposeKernel {
  private generation = -1;
  private k1At = 0;
  private posAt = 0;
  private readonly rowBytes: number;
  private readonly scratchBytes: number;

  /**
   * @param k1 - the 1x1's kernel, [groups][mPer][cPer] float64
   * @param pos - per kxk position j, its row index at input channel 0
   * @param channelStride - row indices between input channels (kh kw of the block)
   */
  private constructor(
    private readonly mod: ComposeModule,
    private readonly k1: Float64Array,
    private readonly pos: Int32Array,
    private readonly mPer: number,
    private readonly cPer: number,
    private readonly channelStride: number,
  ) {
    this.rowBytes = align(cPer * channelStride * 8);
    this.scratchBytes = this.rowBytes + align(mPer * pos.length * 8) + align(mPer * 4);
  }

  /** Undefined when the kernels are off or missing in this thread, or the branch is too large: JavaScript then composes. */
  static create(
    k1: Float64Array,
    pos: Int32Array,
    mPer: number,
    cPer: number,
    channelStride: number,
  ): ComposeKernel | undefined {
    if (!wasmKernelsEnabled()) return undefined;
    if (loaded === undefined) loaded = load();
    if (loaded === null) return undefined;
    const kernel = new ComposeKernel(loaded, k1, pos, mPer, cPer, channelStride);
    if (kernel.scratchBytes + k1.length * 8 + pos.length * 4 > MAX_BYTES) return undefined;
    return kernel;
  }

  /**
   * For input channels [0, cPer) of group `g`, at row indices from `rowAt`
   * (channel c at rowAt + c channelStride + pos[j]):
   * row[...] += sum over k in [0, n) of w2[k hw + j] K1[g, live[k], c].
   */
  compose(row: Float64Array, rowAt: number, w2: Float64Array, live: Int32Array, n: number, g: number): void {
    const mod = this.mod;
    const hw = this.pos.length;
    if (this.scratchBytes > mod.scratch) {
      mod.scratch = this.scratchBytes;
      empty(mod);
      fit(mod, mod.top);
    }
    if (this.generation !== mod.generation) this.place();
    const w2At = this.rowBytes;
    const kofsAt = w2At + align(this.mPer * hw * 8);
    const rowLength = this.cPer * this.channelStride;
    const { f64, i32 } = mod;
    f64.set(row.subarray(rowAt, rowAt + rowLength), 0);
    f64.set(w2.subarray(0, n * hw), w2At >> 3);
    const rowsAt = this.k1At + g * this.mPer * this.cPer * 8;
    for (let k = 0; k < n; k++) i32[(kofsAt >> 2) + k] = rowsAt + live[k]! * this.cPer * 8;
    mod.compose(0, this.posAt, hw, this.channelStride * 8, this.cPer, w2At, n, kofsAt);
    row.set(f64.subarray(0, rowLength), rowAt);
  }

  /** Copies K1 and the position offsets onto the heap (emptying it first when full). */
  private place(): void {
    const mod = this.mod;
    const k1Bytes = align(this.k1.length * 8);
    const bytes = k1Bytes + align(this.pos.length * 4);
    if (mod.top + bytes > mod.scratch + heapCap) empty(mod);
    this.k1At = mod.top;
    this.posAt = mod.top + k1Bytes;
    mod.top += bytes;
    fit(mod, mod.top);
    mod.f64.set(this.k1, this.k1At >> 3);
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
