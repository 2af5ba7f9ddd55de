import { type NamingSchemeForm, defineNamingScheme } from "./naming-scheme.js";

/** One re-parameterizable part of GhostNetV3 (`primary`, `cheap`, `dw`): its MobileOne-like branches and deploy conv. */
function part(name: string, deploy: string): NamingSchemeForm {
  const p = `${name}_rpr`;
  return {
    deploy,
    branches: [
      { conv: `${p}_conv.{i}.conv`, bn: `${p}_conv.{i}.bn1` },
      { conv: `${p}_scale.conv`, bn: `${p}_scale.bn1` },
      { identity: `${p}_skip` },
    ],
  };
}

const [primary, cheap, dw] = [
  part("primary", "primary_conv.0"),
  part("cheap", "cheap_operation.0"),
  part("dw", "conv_dw"),
];

/**
 * timm's GhostNetV3 (`GhostModuleV3`, `GhostBottleneckV3`): three
 * re-parameterizable parts, each `{part}_rpr_conv.{i}` ConvBnAct branches
 * (`conv`, `bn1`), an optional 1x1 `{part}_rpr_scale` and an optional
 * BatchNorm `{part}_rpr_skip`, as timm's `reparameterize()` fuses them:
 * the module's `primary_rpr_*` into `primary_conv.0`, its `cheap_rpr_*`
 * (depthwise) into `cheap_operation.0`, and a stride-2 bottleneck's
 * `dw_rpr_*` into `conv_dw` (its `bn_dw` is an identity there). A ghost
 * module's primary and cheap parts share its prefix, so two blocks carry its
 * name. `shortcut` stays as it is.
 */
export const timmGhostnetv3Scheme = defineNamingScheme({
  name: "timm-ghostnetv3",
  family: "ghostnetv3",
  ...primary,
  variants: [cheap, dw],
});
