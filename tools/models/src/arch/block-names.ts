/**
 * Key names, inside one block, of the families whose block layout is
 * "kxk conv+BN, 1x1 conv+BN, identity BN" (RepVGG, YOLOv6, timm RepVggBlock,
 * QARepVGG, YOLOv7 RepConv) or MobileOne's. Each entry is a module path
 * relative to the block; `<conv>.weight` and `<bn>.{weight,bias,...}` are keys.
 */
export interface RepBlockNames {
  readonly dense: { readonly conv: string; readonly bn: string };
  readonly scale: { readonly conv: string; readonly bn: string };
  readonly identity: string;
  readonly reparam: string;
}

/** Official RepVGG (DingXiaoH/RepVGG) and YOLOv6 `RepVGGBlock`. */
export const REPVGG_NAMES: RepBlockNames = {
  dense: { conv: "rbr_dense.conv", bn: "rbr_dense.bn" },
  scale: { conv: "rbr_1x1.conv", bn: "rbr_1x1.bn" },
  identity: "rbr_identity",
  reparam: "rbr_reparam",
};

/** timm `RepVggBlock` (byobnet). */
export const TIMM_REPVGG_NAMES: RepBlockNames = {
  dense: { conv: "conv_kxk.conv", bn: "conv_kxk.bn" },
  scale: { conv: "conv_1x1.conv", bn: "conv_1x1.bn" },
  identity: "identity",
  reparam: "reparam_conv",
};

/** YOLOv7 `RepConv`: `nn.Sequential(conv, bn)` children are `0` and `1`. */
export const YOLOV7_NAMES: RepBlockNames = {
  dense: { conv: "rbr_dense.0", bn: "rbr_dense.1" },
  scale: { conv: "rbr_1x1.0", bn: "rbr_1x1.1" },
  identity: "rbr_identity",
  reparam: "rbr_reparam",
};

/**
 * MobileOne branch names: `conv(i)` for the i-th kxk branch, `scale` (1x1),
 * `skip` (identity BN), the deploy conv, and the SE convs.
 */
export interface MobileOneNames {
  conv(i: number): { readonly conv: string; readonly bn: string };
  readonly scale: { readonly conv: string; readonly bn: string };
  readonly skip: string;
  readonly reparam: string;
  readonly se: { readonly down: string; readonly up: string };
}

/** Apple ml-mobileone `MobileOneBlock`. */
export const APPLE_MOBILEONE_NAMES: MobileOneNames = {
  conv: (i) => ({ conv: `rbr_conv.${i}.conv`, bn: `rbr_conv.${i}.bn` }),
  scale: { conv: "rbr_scale.conv", bn: "rbr_scale.bn" },
  skip: "rbr_skip",
  reparam: "reparam_conv",
  se: { down: "se.reduce", up: "se.expand" },
};

/** timm `MobileOneBlock` (byobnet): block internals only, see the README. */
export const TIMM_MOBILEONE_NAMES: MobileOneNames = {
  conv: (i) => ({ conv: `conv_kxk.${i}.conv`, bn: `conv_kxk.${i}.bn` }),
  scale: { conv: "conv_scale.conv", bn: "conv_scale.bn" },
  skip: "identity",
  reparam: "reparam_conv",
  se: { down: "attn.fc1", up: "attn.fc2" },
};

/** `prefix.rest`, or `rest` alone for an empty prefix. */
export function joinPath(prefix: string, rest: string): string {
  return prefix === "" ? rest : `${prefix}.${rest}`;
}
