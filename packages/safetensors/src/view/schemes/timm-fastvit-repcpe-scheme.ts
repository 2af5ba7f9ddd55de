import { defineNamingScheme } from "./naming-scheme.js";

/**
 * timm's FastViT `RepConditionalPosEnc` (RepCPE): x + pos_enc(x), `pos_enc` a
 * depthwise kxk conv with bias and no BatchNorm; deploy conv `reparam_conv`.
 * Apple's ml-fastvit `RepCPE` (a variant) calls the conv `pe`.
 */
export const timmFastvitRepcpeScheme = defineNamingScheme({
  name: "timm-fastvit-repcpe",
  family: "fastvit_repcpe",
  deploy: "reparam_conv",
  branches: [{ conv: "pos_enc" }, { bareIdentity: "x", always: true }],
  genericRoots: ["x"],
  variants: [
    { deploy: "reparam_conv", branches: [{ conv: "pe" }, { bareIdentity: "x", always: true }], genericRoots: ["x"] },
  ],
});
