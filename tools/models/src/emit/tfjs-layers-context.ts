import { ReparamError, oihwToHwcm, oihwToHwio } from "@reparam/core";
import type { KerasLayerJson } from "@reparam/tfjs";
import type { ArchBlock, ConvBranch } from "../arch/arch.js";
import { bnTensors, convTensors, linearTensors } from "../weights/state-dict-tensors.js";
import type { TensorSpec } from "../weights/tensor-spec.js";
import { floatValues } from "../weights/tensor-values.js";
import * as k from "./_keras-layers.js";
import type { LazyWeight } from "./lazy-weight.js";

/**
 * Padding of strided convs: `explicit` = ZeroPadding2D(k/2) then `valid`
 * (what PyTorch computes; stride-1 convs use `same`, which is the same
 * thing), `same` = TF `same` everywhere (asymmetric pads at stride 2).
 */
export type TfjsPadding = "explicit" | "same";

/** A layer name from a module path: `stage1.0.rbr_dense.conv` -> `stage1_0_rbr_dense_conv`. */
export const layerName = (path: string): string => path.replaceAll(".", "_");

/** Options of {@link TfjsLayersContext.conv}. */
export interface ConvOptions {
  /** Keras activation of the layer (`relu`, `sigmoid`); default linear. */
  readonly activation?: string;
  /** No padding at all (`valid`, no ZeroPadding2D): a conv that pads nothing itself. */
  readonly valid?: boolean;
  /** Changes the OIHW kernel values before the layout transpose. */
  readonly kernel?: (oihw: Float32Array) => Float32Array;
}

/**
 * Collects Keras layers (functional order) and their weights (manifest
 * order), the values being the PyTorch state dict's for `seed` in TF
 * layouts. Each method adds layers and returns the output layer's name.
 */
export class TfjsLayersContext {
  readonly layers: KerasLayerJson[] = [];
  readonly weights: LazyWeight[] = [];

  constructor(
    readonly seed: number,
    readonly bnEps: number,
    readonly padding: TfjsPadding,
  ) {}

  /** A weight with the values of `spec`, transformed (OIHW -> HWIO, ...) and of `shape`. */
  weight(
    spec: TensorSpec,
    name: string,
    shape = spec.shape,
    transform: (v: Float32Array) => Float32Array = (v) => v,
  ): void {
    const seed = this.seed;
    this.weights.push({ name, shape, values: () => transform(floatValues(spec, seed)) });
  }

  /** BatchNormalization of `x` with the BN at `path`. */
  batchNorm(x: string, path: string, channels: number): string {
    const name = layerName(path);
    this.layers.push(k.batchNorm(name, x, this.bnEps));
    const specs = bnTensors(path, channels);
    ["gamma", "beta", "moving_mean", "moving_variance"].forEach((w, i) => this.weight(specs[i]!, `${name}/${w}`));
    return name;
  }

  /**
   * Conv2D (or DepthwiseConv2D, kernel `[kh, kw, C, 1]`) of a branch, after a
   * ZeroPadding2D when strided with explicit padding; `valid` for a conv
   * without padding of its own (DBB's `conv2`); `kernel` changes the OIHW
   * values first (DBB's `idconv1`: weight + identity).
   *
   * @throws ReparamError `MODELS_UNSUPPORTED` for grouped, not depthwise, convs.
   */
  conv(x: string, b: ArchBlock, br: ConvBranch, o: ConvOptions = {}): string {
    const name = layerName(br.conv);
    const depthwise = b.groups > 1 && b.groups === b.inChannels && b.inChannels === b.outChannels;
    if (b.groups > 1 && !depthwise) unsupported(br.conv, b.groups);
    const [kh, kw] = br.kernel;
    const explicit = b.stride > 1 && this.padding === "explicit";
    let input = x;
    if (explicit && kh * kw > 1 && o.valid !== true)
      this.layers.push(k.zeroPadding((input = `${name}_pad`), x, kh >> 1, kw >> 1));
    const layer = {
      kernel: br.kernel,
      stride: b.stride,
      padding: explicit || o.valid === true ? "valid" : "same",
      useBias: br.bias,
      ...(o.activation === undefined ? {} : { activation: o.activation }),
    } as const;
    this.layers.push(depthwise ? k.depthwiseConv2d(name, input, layer) : k.conv2d(name, input, b.outChannels, layer));
    const shape = [b.outChannels, b.inChannels / b.groups, kh, kw] as const;
    const [w, bias] = convTensors(br.conv, shape, br.bias);
    const oihw = o.kernel ?? ((v: Float32Array) => v);
    if (depthwise)
      this.weight(w!, `${name}/depthwise_kernel`, [kh, kw, b.inChannels, 1], (v) =>
        Float32Array.from(oihwToHwcm(oihw(v), shape, b.inChannels).data),
      );
    else
      this.weight(w!, `${name}/kernel`, [kh, kw, shape[1], b.outChannels], (v) =>
        Float32Array.from(oihwToHwio(oihw(v), shape).data),
      );
    if (bias !== undefined) this.weight(bias, `${name}/bias`);
    return name;
  }

  /** Squeeze-and-excite of `y` (block `block`): pool, reshape, conv relu, conv sigmoid, multiply. */
  squeezeExcite(y: string, block: string, se: NonNullable<ArchBlock["se"]>): string {
    const { down, up, channels, reduced } = se;
    this.layers.push(
      k.globalAveragePooling(`${block}_se_pool`, y),
      k.reshape(`${block}_se_reshape`, `${block}_se_pool`, [1, 1, channels]),
    );
    // The SE convs as 1x1 "blocks" of one branch, to reuse conv().
    const one = (cin: number, cout: number): ArchBlock => ({
      path: "",
      inChannels: cin,
      outChannels: cout,
      stride: 1,
      groups: 1,
      branches: [],
      reparam: "",
      activation: "none",
    });
    const d = this.conv(
      `${block}_se_reshape`,
      one(channels, reduced),
      { kind: "conv", kernel: [1, 1], conv: down, bias: true },
      { activation: "relu" },
    );
    const u = this.conv(
      d,
      one(reduced, channels),
      { kind: "conv", kernel: [1, 1], conv: up, bias: true },
      { activation: "sigmoid" },
    );
    this.layers.push(k.merge("Multiply", `${block}_se_mul`, [y, u]));
    return `${block}_se_mul`;
  }

  /** GlobalAveragePooling2D (`gap`), then Dense at `path` (kernel `[in, out]`). */
  head(x: string, path: string, inFeatures: number, classes: number): string {
    const name = layerName(path);
    this.layers.push(k.globalAveragePooling("gap", x), k.dense(name, "gap", classes));
    const [w, bias] = linearTensors(path, classes, inFeatures);
    this.weight(w!, `${name}/kernel`, [inFeatures, classes], (v) =>
      Float32Array.from(oihwToHwio(v, [classes, inFeatures, 1, 1]).data),
    );
    this.weight(bias!, `${name}/bias`);
    return name;
  }
}

function unsupported(path: string, groups: number): never {
  throw new ReparamError("MODELS_UNSUPPORTED", "tfjs-layers has no grouped Conv2D", {
    where: path,
    expected: "groups 1 or depthwise (groups = in = out channels)",
    found: `groups ${groups}`,
    hint: "use an architecture without grouped layers (not repvgg-b1g2/b1g4) for tfjs-layers",
  });
}
