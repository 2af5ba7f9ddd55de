import { BUILTIN_SCHEMES } from "@reparam/safetensors";
import type { FamilyName } from "../block-spec.js";

/** The keys of one branch under a scheme, relative to the block prefix. */
export type RoleKeys =
  | { readonly kind: "conv"; readonly conv: string; readonly bn?: string }
  | { readonly kind: "identity"; readonly bn: string }
  | { readonly kind: "bare-identity" }
  /** DBB's 1x1 -> BNAndPad -> kxk; `idFirst` is the `IdentityBasedConv1x1` spelling of the 1x1 (weight + identity). */
  | {
      readonly kind: "sequential";
      readonly first: string;
      readonly idFirst: string;
      readonly firstBn: string;
      readonly second: string;
      readonly secondBn: string;
    }
  /** DBB's avg branch: [1x1 conv -> BNAndPad] -> pool -> BN. */
  | { readonly kind: "avg"; readonly conv: string; readonly convBn: string; readonly bn: string };

/** How one naming scheme names the branches the generator makes (by their upstream role). */
export interface SchemeLayout {
  /** The scheme's name in `@reparam/safetensors` (`BUILTIN_SCHEMES`). */
  readonly scheme: string;
  readonly families: readonly FamilyName[];
  /** Keys of a branch by role (`rbr_dense`, `rbr_conv.2` ...), undefined when the scheme has no such branch. */
  roleKeys(role: string): RoleKeys | undefined;
  /** Module of the post-sum BN (QARepVGG), if the scheme has one. */
  readonly postBn?: string;
}

const conv = (c: string, bn?: string): RoleKeys => ({ kind: "conv", conv: c, ...(bn === undefined ? {} : { bn }) });

function table(
  scheme: string,
  families: readonly FamilyName[],
  roles: Record<string, RoleKeys>,
  extra: Partial<SchemeLayout> = {},
): SchemeLayout {
  return { scheme, families, roleKeys: (r) => (Object.hasOwn(roles, r) ? roles[r] : undefined), ...extra };
}

/** MobileOne's `rbr_conv.{i}` roles under a scheme's own list name. */
function mobileone(scheme: string, list: string, scale: string, skip: string): SchemeLayout {
  return {
    scheme,
    families: ["mobileone"],
    roleKeys(role) {
      const m = /^rbr_conv\.(\d+)$/.exec(role);
      if (m !== null) return conv(`${list}.${m[1]}.conv`, `${list}.${m[1]}.bn`);
      if (role === "rbr_scale") return conv(`${scale}.conv`, `${scale}.bn`);
      return role === "rbr_skip" ? { kind: "identity", bn: skip } : undefined;
    },
  };
}

const REPVGG_FAMILIES: readonly FamilyName[] = ["repvgg", "repconv", "conv-bn"];

/** Every built-in naming scheme of `@reparam/safetensors`, as the fuzzer writes it (key names as in DESIGN.md). */
export const SCHEME_LAYOUTS: readonly SchemeLayout[] = [
  table("repvgg", REPVGG_FAMILIES, {
    rbr_dense: conv("rbr_dense.conv", "rbr_dense.bn"),
    conv: conv("rbr_dense.conv", "rbr_dense.bn"),
    rbr_1x1: conv("rbr_1x1.conv", "rbr_1x1.bn"),
    rbr_identity: { kind: "identity", bn: "rbr_identity" },
  }),
  table("timm-repvgg", REPVGG_FAMILIES, {
    rbr_dense: conv("conv_kxk.conv", "conv_kxk.bn"),
    conv: conv("conv_kxk.conv", "conv_kxk.bn"),
    rbr_1x1: conv("conv_1x1.conv", "conv_1x1.bn"),
    rbr_identity: { kind: "identity", bn: "identity" },
  }),
  mobileone("timm-mobileone", "conv_kxk", "conv_scale", "identity"),
  mobileone("mobileone", "rbr_conv", "rbr_scale", "rbr_skip"),
  table("yolov7", REPVGG_FAMILIES, {
    rbr_dense: conv("rbr_dense.0", "rbr_dense.1"),
    conv: conv("rbr_dense.0", "rbr_dense.1"),
    rbr_1x1: conv("rbr_1x1.0", "rbr_1x1.1"),
    rbr_identity: { kind: "identity", bn: "rbr_identity" },
  }),
  table(
    "qarepvgg",
    ["qarepvgg"],
    {
      rbr_dense: conv("rbr_dense.conv", "rbr_dense.bn"),
      rbr_1x1: conv("rbr_1x1"),
      rbr_identity: { kind: "bare-identity" },
    },
    { postBn: "bn" },
  ),
  table("acnet", ["acnet"], {
    square: conv("square_conv", "square_bn"),
    ver: conv("ver_conv", "ver_bn"),
    hor: conv("hor_conv", "hor_bn"),
  }),
  table("dbb", ["dbb"], {
    dbb_origin: conv("dbb_origin.conv", "dbb_origin.bn"),
    dbb_1x1: conv("dbb_1x1.conv", "dbb_1x1.bn"),
    dbb_1x1_kxk: {
      kind: "sequential",
      first: "dbb_1x1_kxk.conv1",
      idFirst: "dbb_1x1_kxk.idconv1",
      firstBn: "dbb_1x1_kxk.bn1.bn",
      second: "dbb_1x1_kxk.conv2",
      secondBn: "dbb_1x1_kxk.bn2",
    },
    dbb_avg: { kind: "avg", conv: "dbb_avg.conv", convBn: "dbb_avg.bn.bn", bn: "dbb_avg.avgbn" },
  }),
];

/** The deploy conv's module path under a scheme (`rbr_reparam`, `reparam_conv` ...), from `@reparam/safetensors`. */
export function deployOf(scheme: string): string {
  const s = BUILTIN_SCHEMES.find((x) => x.name === scheme);
  if (s === undefined) throw new Error(`no built-in scheme '${scheme}'`);
  return s.deploy;
}
