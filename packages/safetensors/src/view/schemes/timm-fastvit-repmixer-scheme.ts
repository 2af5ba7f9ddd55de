import { defineNamingScheme } from "./naming-scheme.js";

const LS = "layer_scale.gamma";

/**
 * timm's FastViT `RepMixer`: x + layer_scale * (mixer(x) - norm(x)), `mixer`
 * a depthwise `MobileOneBlock` (`conv_kxk.{i}`, `conv_scale`, BatchNorm
 * `identity`), `norm` one with only its BatchNorm `identity`,
 * `layer_scale.gamma` `[C, 1, 1]` (absent: `nn.Identity`, a factor 1); deploy
 * conv `reparam_conv` (as timm's `reparameterize`). Every mixer branch is
 * scaled, `norm` scaled and subtracted, X added as it is. Apple's ml-fastvit
 * (a variant) names the MobileOne parts `rbr_conv.{i}`, `rbr_scale`,
 * `rbr_skip` and the layer scale a bare parameter `layer_scale`.
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
  genericRoots: ["mixer", "norm", "x"],
  variants: [
    {
      deploy: "reparam_conv",
      branches: [
        { conv: "mixer.rbr_conv.{i}.conv", bn: "mixer.rbr_conv.{i}.bn", scale: "layer_scale" },
        { conv: "mixer.rbr_scale.conv", bn: "mixer.rbr_scale.bn", scale: "layer_scale" },
        { identity: "mixer.rbr_skip", scale: "layer_scale" },
        { identity: "norm.rbr_skip", scale: "layer_scale", negate: true, required: true },
        { bareIdentity: "x", always: true },
      ],
      genericRoots: ["mixer", "norm", "x"],
    },
  ],
});
