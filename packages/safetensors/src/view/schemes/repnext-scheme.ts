import { defineNamingScheme } from "./naming-scheme.js";

/**
 * RepNeXt's `RepDWConvS` (suous/RepNeXt) at stride 1: depthwise `conv_3_3`,
 * a 2x2 `conv_2_2` at dilation 2 (on the 3x3's corners), a 3x1 `conv_3_h`
 * and a 1x3 `conv_3_w`, all summed, each with its bias; `fuse()` returns one
 * 3x3 conv that replaces the module: `${prefix}weight`, `${prefix}bias`.
 * `conv_3_h`'s bias marks this form: the strided copy applies `conv_3_w`
 * after `conv_3_h` (a sequence, no biases), not read here, passed through.
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
});
