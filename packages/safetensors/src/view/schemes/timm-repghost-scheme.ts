import { defineNamingScheme } from "./naming-scheme.js";

/**
 * timm's `RepGhostModule` (RepGhostNet): the cheap operation, a depthwise
 * conv `cheap_operation.0` + BatchNorm `cheap_operation.1`, plus a
 * BatchNorm over the same input `fusion_bn.0` (the re-parameterized
 * identity); `reparameterize()` makes `cheap_operation` one conv with bias.
 * `primary_conv` stays as it is. `fusion_bn.0` marks the block: a module
 * built with `reparam=False` has a plain `cheap_operation`, passed through.
 */
export const timmRepghostScheme = defineNamingScheme({
  name: "timm-repghost",
  family: "repghost",
  deploy: "cheap_operation",
  branches: [
    { conv: "cheap_operation.0", bn: "cheap_operation.1", depthwise: true },
    { identity: "fusion_bn.0", required: true },
  ],
  markedBy: ["fusion_bn.0.running_var"],
  genericRoots: ["cheap_operation"],
});
