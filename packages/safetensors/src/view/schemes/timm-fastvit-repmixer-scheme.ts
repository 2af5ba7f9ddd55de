import { defineNamingScheme } from "./naming-scheme.js";

const LS = "layer_scale.gamma";

/**
 * timm's FastViT `RepMixer`: x + layer_scale * (mixer(x) - norm(x)), `mixer`
 * a depthwise `MobileOneBlock` (`conv_kxk.{i}`, `conv_scale`, BatchNorm
 * `identity`), `norm` one with only its BatchNorm `identity`,
 * `layer_scale.gamma` `[C, 1, 1]` (absent: `nn.Identity`, a factor 1); deploy
 * conv `reparam_conv` (as timm's `reparameterize`). Every mixer branch is
 * scaled, `norm` scaled and subtracted, X added as it is.
 */
export const timmFastvitRepmixerScheme = defineNamingScheme({
  name: "timm-fastvit-repmixer",
  family: "fastvit_repmixer",
  deploy: "reparam_conv",
  branches: [
    { conv: "mixer.conv_kxk.{i}.conv", bn: "mixer.conv_kxk.{i}.bn", scale: LS },
    { conv: "mixer.conv_scale.conv", bn: "mixer.conv_scale.bn", scale: LS },
    { identity: "mixer.identity", scale: LS },
    { identity: "norm.identity", scale: LS, negate: true, required: true },
    { bareIdentity: "x", always: true },
  ],
  genericRoots: ["norm", "x"],
});
