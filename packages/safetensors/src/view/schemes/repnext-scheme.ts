import { defineNamingScheme } from "./naming-scheme.js";

/**
 * RepNeXt's token mixers (suous/RepNeXt); `fuse()` returns one conv that
 * replaces the module: `${prefix}weight`, `${prefix}bias`.
 * - `RepDWConvS` at stride 1: depthwise `conv_3_3`, a 2x2 `conv_2_2` at
 *   dilation 2 (on the 3x3's corners), a 3x1 `conv_3_h` and a 1x3
 *   `conv_3_w`, all summed, each with its bias (`conv_3_h`'s marks the form);
 * - its strided copy: `conv_3_3` + `conv_2_2` + `conv_3_h`(`conv_3_w`(x)), a
 *   1x3 -> 3x1 sequence without biases (composed by core's `composeChain`);
 * - `RepDWConvM`: depthwise `conv_7_7`, `conv_3_5`, `conv_5_3` (with bias) and
 *   the sequences 1x5 -> 5x1 (`conv_5_w`, `conv_5_h`) and 1x7 -> 7x1
 *   (`conv_7_w`, `conv_7_h`), without biases.
 */
export const repnextScheme = defineNamingScheme({
  name: "repnext",
  family: "repnext",
  deploy: "",
  branches: [
    { conv: "conv_3_3", depthwise: true },
    { conv: "conv_2_2", dilation: 2, required: true },
    { conv: "conv_3_h" },
    { conv: "conv_3_w" },
  ],
  markedBy: ["conv_3_h.bias"],
  variants: [
    {
      deploy: "",
      branches: [
        { conv: "conv_3_3", depthwise: true },
        { conv: "conv_2_2", dilation: 2, required: true },
        { chain: [{ conv: "conv_3_w" }, { conv: "conv_3_h" }], required: true },
      ],
      markedBy: ["conv_2_2.weight"],
      notMarkedBy: ["conv_3_h.bias"],
    },
    {
      deploy: "",
      branches: [
        { conv: "conv_7_7", depthwise: true },
        { conv: "conv_3_5" },
        { conv: "conv_5_3" },
        { chain: [{ conv: "conv_5_w" }, { conv: "conv_5_h" }] },
        { chain: [{ conv: "conv_7_w" }, { conv: "conv_7_h" }] },
      ],
      markedBy: ["conv_5_w.weight", "conv_7_w.weight"],
    },
  ],
});
