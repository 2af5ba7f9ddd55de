import { ReparamError } from "@reparam/core";
import type { FamilyNet, FamilyStep, StateDict } from "./family-net.js";

/** What the generator reads of a `families/manifest.json` case. */
export interface FamilyCase {
  readonly name: string;
  readonly family: string;
  /** NCHW `[N, C, H, W]`, or `[N, F]`. */
  readonly input: { readonly shape: readonly number[] };
  readonly block_info: readonly {
    readonly type: string;
    readonly train_prefix: string;
    readonly kernel: number | null;
    readonly stride: number | null;
    readonly activation_after: string | null;
  }[];
}

type Block = FamilyCase["block_info"][number];

/** Steps of one block over `x`; returns them, the last one's output being the block's. */
type BlockSteps = (p: string, x: string, b: Block, keys: StateDict) => FamilyStep[];

const conv = (
  name: string,
  x: string,
  weight: string,
  o: Partial<Extract<FamilyStep, { op: "conv" }>> & { k: number },
): FamilyStep => ({
  op: "conv",
  name,
  x,
  weight,
  stride: o.stride ?? 1,
  pad: o.pad ?? (o.dilation ?? 1) * (o.k >> 1),
  dilation: o.dilation ?? 1,
  depthwise: o.depthwise ?? false,
  ...(o.bias === undefined ? {} : { bias: o.bias }),
  ...(o.bn === undefined ? {} : { bn: o.bn }),
});

const FAMILIES: Readonly<Record<string, BlockSteps>> = {
  // x + layer_scale * (mixer(x) - norm(x)), mixer = BN(x) + dw1x1+BN + dw3x3+BN (timm RepMixer).
  fastvit_repmixer: (p, x) => [
    { op: "bn", name: `${p}.mixer.identity`, x, bn: `${p}.mixer.identity` },
    conv(`${p}.mixer.conv_scale`, x, `${p}.mixer.conv_scale.conv.weight`, {
      k: 1,
      bn: `${p}.mixer.conv_scale.bn`,
      depthwise: true,
    }),
    { op: "add", name: `${p}.mixer.add`, xs: [`${p}.mixer.identity`, `${p}.mixer.conv_scale`] },
    conv(`${p}.mixer.conv_kxk.0`, x, `${p}.mixer.conv_kxk.0.conv.weight`, {
      k: 3,
      bn: `${p}.mixer.conv_kxk.0.bn`,
      depthwise: true,
    }),
    { op: "add", name: `${p}.mixer`, xs: [`${p}.mixer.add`, `${p}.mixer.conv_kxk.0`] },
    { op: "bn", name: `${p}.norm`, x, bn: `${p}.norm.identity` },
    { op: "sub", name: `${p}.sub`, a: `${p}.mixer`, b: `${p}.norm` },
    { op: "scale", name: `${p}.layer_scale`, x: `${p}.sub`, key: `${p}.layer_scale.gamma` },
    { op: "add", name: p, xs: [x, `${p}.layer_scale`] },
  ],
  // x + dw7x7(x) with bias (timm RepConditionalPosEnc).
  fastvit_repcpe: (p, x) => [
    conv(`${p}.pos_enc`, x, `${p}.pos_enc.weight`, { k: 7, bias: `${p}.pos_enc.bias`, depthwise: true }),
    { op: "add", name: p, xs: [`${p}.pos_enc`, x] },
  ],
  // dw7x7+BN + dw3x3+BN (RepLKNet ReparamLargeKernelConv); stride and channel multiplier from the kernels.
  lk_small_kernel: (p, x, b) => [
    conv(`${p}.lkb_origin`, x, `${p}.lkb_origin.conv.weight`, {
      k: b.kernel!,
      stride: b.stride!,
      bn: `${p}.lkb_origin.bn`,
      depthwise: true,
    }),
    conv(`${p}.small_conv`, x, `${p}.small_conv.conv.weight`, {
      k: 3,
      stride: b.stride!,
      bn: `${p}.small_conv.bn`,
      depthwise: true,
    }),
    { op: "add", name: p, xs: [`${p}.lkb_origin`, `${p}.small_conv`] },
  ],
  // dw kxk+BN + dilated dw branches (k_i, r_i)+BN (UniRepLKNet DilatedReparamBlock).
  unireplknet_dilated: (p, x, b, keys) => {
    const dilated = [...keys.keys()]
      .map((k) => new RegExp(`^${p.replaceAll(".", "\\.")}\\.dil_conv_k(\\d+)_(\\d+)\\.weight$`).exec(k))
      .filter((m) => m !== null)
      .map((m) => ({ k: Number(m[1]), r: Number(m[2]) }))
      .sort((u, v) => u.r - v.r);
    const branches = [
      conv(`${p}.lk_origin`, x, `${p}.lk_origin.weight`, { k: b.kernel!, bn: `${p}.origin_bn`, depthwise: true }),
      ...dilated.map(({ k, r }) =>
        conv(`${p}.dil_conv_k${k}_${r}`, x, `${p}.dil_conv_k${k}_${r}.weight`, {
          k,
          dilation: r,
          bn: `${p}.dil_bn_k${k}_${r}`,
          depthwise: true,
        }),
      ),
    ];
    return [...branches, { op: "add", name: p, xs: branches.map((s) => s.name) }];
  },
  // BN(dw3x3+BN + dw1x1 with bias + x) (RepViT RepVggDw).
  repvit_repvggdw: (p, x) => [
    conv(`${p}.conv`, x, `${p}.conv.c.weight`, { k: 3, bn: `${p}.conv.bn`, depthwise: true }),
    conv(`${p}.conv1`, x, `${p}.conv1.weight`, { k: 1, bias: `${p}.conv1.bias`, depthwise: true }),
    { op: "add", name: `${p}.add`, xs: [`${p}.conv`, `${p}.conv1`, x] },
    { op: "bn", name: p, x: `${p}.add`, bn: `${p}.bn` },
  ],
  // Linear_BN (c: Linear without bias, bn) or BN_Linear (bn, l: Linear) (LeViT, RepViT).
  linear_bn: (p, x, b) =>
    b.type === "Linear_BN"
      ? [
          { op: "dense", name: `${p}.c`, x, weight: `${p}.c.weight` },
          { op: "bn", name: p, x: `${p}.c`, bn: `${p}.bn` },
        ]
      : [
          { op: "bn", name: `${p}.bn`, x, bn: `${p}.bn` },
          { op: "dense", name: p, x: `${p}.bn`, weight: `${p}.l.weight`, bias: `${p}.l.bias` },
        ],
  // conv3x3+BN + alpha * conv1x1+BN (PP-YOLOE RepVggBlock).
  ppyoloe_alpha: (p, x, b) => [
    conv(`${p}.conv1`, x, `${p}.conv1.conv.weight`, { k: 3, stride: b.stride!, bn: `${p}.conv1.bn` }),
    conv(`${p}.conv2`, x, `${p}.conv2.conv.weight`, { k: 1, stride: b.stride!, bn: `${p}.conv2.bn` }),
    { op: "scale", name: `${p}.alpha`, x: `${p}.conv2`, key: `${p}.alpha` },
    { op: "add", name: p, xs: [`${p}.conv1`, `${p}.alpha`] },
  ],
  // conv3x3+BN + conv1x1+BN (YOLOv9 RepConvN).
  yolov9_repconvn: (p, x, b) => [
    conv(`${p}.conv1`, x, `${p}.conv1.conv.weight`, { k: 3, stride: b.stride!, bn: `${p}.conv1.bn` }),
    conv(`${p}.conv2`, x, `${p}.conv2.conv.weight`, { k: 1, stride: b.stride!, bn: `${p}.conv2.bn` }),
    { op: "add", name: p, xs: [`${p}.conv1`, `${p}.conv2`] },
  ],
};

/** The families {@link familyNet} builds. */
export const FAMILY_NAMES: readonly string[] = Object.keys(FAMILIES);

/**
 * The net of a `families/` fixture case, from its manifest entry and its
 * train state dict: FastViT's stem (conv3x3+BN, ReLU) where the state dict
 * has one, then the blocks of `block_info` as upstream computes them in eval
 * mode, each followed by its `activation_after`. BN eps 1e-5 (PyTorch),
 * 1e-3 for YOLOv9.
 *
 * @throws ReparamError `MODELS_UNKNOWN_ARCH` for a family not listed.
 */
export function familyNet(c: FamilyCase, keys: StateDict): FamilyNet {
  const blockSteps = FAMILIES[c.family];
  if (blockSteps === undefined)
    throw new ReparamError("MODELS_UNKNOWN_ARCH", "no TF.js net for this family", {
      where: c.name,
      expected: FAMILY_NAMES.join(", "),
      found: c.family,
    });
  const s = c.input.shape;
  const steps: FamilyStep[] = [];
  let x = "input";
  if (keys.has("stem.conv.weight")) {
    steps.push(conv("stem.conv", x, "stem.conv.weight", { k: 3, bn: "stem.bn" }));
    steps.push({ op: "act", name: "stem", x: "stem.conv", fn: "relu" });
    x = "stem";
  }
  for (const b of c.block_info) {
    steps.push(...blockSteps(b.train_prefix, x, b, keys));
    x = steps.at(-1)!.name;
    if (b.activation_after === "relu" || b.activation_after === "silu") {
      steps.push({ op: "act", name: `${b.train_prefix}.act`, x, fn: b.activation_after });
      x = `${b.train_prefix}.act`;
    }
  }
  return {
    name: c.name,
    input: s.length === 4 ? [s[0]!, s[2]!, s[3]!, s[1]!] : s,
    eps: c.family === "yolov9_repconvn" ? 1e-3 : 1e-5,
    steps,
  };
}
