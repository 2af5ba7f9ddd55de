import { defineNamingScheme } from "./naming-scheme.js";

/**
 * timm's FastViT `RepConditionalPosEnc` (RepCPE): x + pos_enc(x), `pos_enc` a
 * depthwise kxk conv with bias and no BatchNorm; deploy conv `reparam_conv`.
 * Apple's ml-fastvit `RepCPE` (a variant) calls the conv `pe`. Only a
 * depthwise conv there is a block (a dense `pe` elsewhere is passed through).
 */
export const timmFastvitRepcpeScheme = defineNamingScheme({
  name: "timm-fastvit-repcpe",
  family: "fastvit_repcpe",
  deploy: "reparam_conv",
  branches: [
    { conv: "pos_enc", depthwise: true },
    { bareIdentity: "x", always: true },
  ],
  genericRoots: ["x"],
  variants: [
    {
      deploy: "reparam_conv",
      branches: [
        { conv: "pe", depthwise: true },
        { bareIdentity: "x", always: true },
      ],
      genericRoots: ["x"],
    },
  ],
});
