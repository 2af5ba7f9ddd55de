import { defineNamingScheme } from "./naming-scheme.js";

/** OREPA's per-branch factor: row r of `vector` (one value per output channel). */
const row = (r: number) => ({ scale: "vector", scaleRow: r }) as const;

/**
 * OREPA (online re-parameterization, groups 1): the block's kernel is made
 * from bare parameters and saved buffers before one conv + BatchNorm `bn`,
 * each branch scaled per output channel by its row of `vector`:
 * 0 `weight_orepa_origin`; 1 `weight_orepa_avg_conv` (1x1) then the average
 * kernel buffer `weight_orepa_avg_avg` (`[k, k]`, every channel); 2
 * `weight_orepa_pfir_conv` then the prior buffer `weight_orepa_prior`
 * (`[O, k, k]`, read as stored, never recomputed); 3
 * `weight_orepa_1x1_kxk_idconv1` + the `id_tensor` buffer (or a plain
 * `weight_orepa_1x1_kxk_conv1`) then `weight_orepa_1x1_kxk_conv2`; 4
 * `weight_orepa_1x1`; 5 `weight_orepa_gconv_dw` (depthwise) then
 * `weight_orepa_gconv_pw`. Each product is a chain composed by core's
 * `composeChain`; deploy conv `orepa_reparam` with `bn` folded in.
 */
export const orepaScheme = defineNamingScheme({
  name: "orepa",
  family: "orepa",
  deploy: "orepa_reparam",
  branches: [
    { conv: "weight_orepa_origin", bare: true, ...row(0) },
    {
      chain: [
        { conv: "weight_orepa_avg_conv", bare: true },
        { conv: "weight_orepa_avg_avg", bare: true, kernelOf: "hw" },
      ],
      ...row(1),
    },
    {
      chain: [
        { conv: "weight_orepa_pfir_conv", bare: true },
        { conv: "weight_orepa_prior", bare: true, kernelOf: "ohw" },
      ],
      ...row(2),
    },
    {
      chain: [
        { conv: "weight_orepa_1x1_kxk_idconv1", bare: true, plus: "id_tensor" },
        { conv: "weight_orepa_1x1_kxk_conv2", bare: true },
      ],
      ...row(3),
    },
    {
      chain: [
        { conv: "weight_orepa_1x1_kxk_conv1", bare: true },
        { conv: "weight_orepa_1x1_kxk_conv2", bare: true },
      ],
      ...row(3),
    },
    { conv: "weight_orepa_1x1", bare: true, ...row(4) },
    {
      chain: [
        { conv: "weight_orepa_gconv_dw", bare: true },
        { conv: "weight_orepa_gconv_pw", bare: true },
      ],
      ...row(5),
    },
  ],
  postBn: "bn",
  markedBy: ["vector"],
  genericRoots: ["vector", "id_tensor"],
});
