import { defineNamingScheme } from "./naming-scheme.js";

/**
 * A Linear and a BatchNorm1d that become one `nn.Linear` (`${prefix}weight`,
 * `${prefix}bias`; 2-D weights), in either order:
 * - LeViT's `Linear_BN`: `c` (no bias) then `bn` (a 4-D `c`, the
 *   `Conv2d_BN` of LeViT and RepViT, is another module: passed through);
 * - RepViT's `BN_Linear` (a variant): `bn` then `l` (with bias), the BatchNorm
 *   folded into the Linear's input side.
 * Without its `bn`, a Linear called `c` or `l` is another module, passed through.
 */
export const linearBnScheme = defineNamingScheme({
  name: "linear-bn",
  family: "linear_bn",
  deploy: "",
  branches: [{ conv: "c", bn: "bn", linear: true }],
  genericRoots: ["bn", "c"],
  markedBy: ["bn.running_var"],
  variants: [{ deploy: "", branches: [{ conv: "l", linear: true }], preBn: "bn", markedBy: ["bn.running_var"] }],
});
