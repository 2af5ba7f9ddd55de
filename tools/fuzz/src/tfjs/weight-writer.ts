import { type EncodableWeight, type TfjsModelJson, encodeModelJson, encodeWeights, weightValues } from "@reparam/tfjs";
import type { ModelFiles } from "../spelling.js";
import { type WeightStorage, quantizeWeight } from "./quantize-weight.js";

/**
 * Collects a model's weights in manifest order, stored as `storage` says,
 * and tells what TF.js will read back for each, so that the spelling's
 * `stored` spec holds exactly those values.
 */
export class WeightWriter {
  private readonly weights: EncodableWeight[] = [];

  constructor(readonly storage: WeightStorage = "float32") {}

  /**
   * Adds a float weight (values in TF layout, row-major); returns the values
   * TF.js reads: rounded to float32, and dequantized when quantized.
   */
  float(name: string, shape: readonly number[], values: ArrayLike<number>): Float32Array {
    const f32 = Float32Array.from(values);
    if (this.storage === "float32") {
      this.weights.push({ name, shape, values: f32 });
      return f32;
    }
    const w = quantizeWeight(name, shape, f32, this.storage);
    this.weights.push(w);
    return weightValues(w) as Float32Array;
  }

  /** Adds an int32 weight (a `Pad`'s paddings), never quantized. */
  int32(name: string, shape: readonly number[], values: readonly number[]): void {
    this.weights.push({ name, shape, values: Int32Array.from(values) });
  }

  /**
   * `model.json` (the model with this weights manifest in place of any it has) and its shards
   * `group1-shard<i>of<n>.bin`, `shardBytes` each (default 4 MiB, the
   * converter's; a weight may straddle shards).
   */
  files(model: TfjsModelJson, shardBytes?: number): ModelFiles {
    const { manifest, shards } = encodeWeights(this.weights, shardBytes === undefined ? {} : { shardBytes });
    const files = new Map<string, Uint8Array>([
      ["model.json", encodeModelJson({ ...model, weightsManifest: manifest })],
    ]);
    for (const s of shards) files.set(s.path, s.bytes);
    return { main: "model.json", files };
  }

  /** Stored bytes of all weights together. */
  get byteLength(): number {
    return this.weights.reduce((a, w) => a + ("values" in w ? w.values.byteLength : w.bytes.byteLength), 0);
  }
}
