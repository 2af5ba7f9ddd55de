import { type NamingSchemeForm, defineNamingScheme } from "./naming-scheme.js";

/** A module that reads the block input through BatchNorm(s): `preBn` folded into `conv`, which keeps its name. */
function merged(conv: string, preBn: string | readonly string[], linear: boolean): NamingSchemeForm {
  const first = typeof preBn === "string" ? preBn : preBn[0]!;
  return {
    deploy: conv,
    branches: [{ conv, ...(linear ? { linear: true } : {}) }],
    preBn,
    markedBy: [`${first}.running_var`],
    moduleRoots: true,
    ...(linear ? { sharedPreBn: true } : {}),
  };
}

/**
 * timm's Next-ViT `reparameterize()` (`merge_pre_bn`): every BatchNorm in
 * front of a 1x1 conv or a Linear goes into it, and the norms become
 * `nn.Identity` (their keys gone). `NextConvBlock`: `norm` into `mlp.fc1`;
 * `NextTransformerBlock`: `norm2` into `mlp.fc1`, `norm1` into the attention's
 * `e_mhsa.q`, `.k` and `.v` (Linear on tokens; one BatchNorm shared by the
 * three, dropped once all three fuse), and, with `sr_ratio` > 1, also the
 * BatchNorm1d `e_mhsa.norm` into `k` and `v` (the average pool between
 * `norm1` and it commutes with both). Each module keeps its name. The
 * attention's blocks share their module's prefix.
 */
export const timmNextvitScheme = defineNamingScheme({
  name: "timm-nextvit",
  family: "nextvit_prebn",
  ...merged("mlp.fc1", "norm", false),
  variants: [
    merged("mlp.fc1", "norm2", false),
    merged("e_mhsa.q", "norm1", true),
    merged("e_mhsa.k", ["norm1", "e_mhsa.norm"], true),
    merged("e_mhsa.v", ["norm1", "e_mhsa.norm"], true),
  ],
});
