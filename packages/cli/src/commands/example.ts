import { fuseBlock, type Block } from "@reparam/core";
import type { Command } from "commander";
import { formatTable } from "../format-table.js";

/** A RepVGG block with hand-picked numbers: 3x3+BN, 1x1+BN, identity BN, 2 channels. */
function exampleBlock(): Block {
  const bn = (g: number, b: number) => ({
    gamma: [g, g],
    beta: [b, -b],
    mean: [0.1, -0.1],
    variance: [1, 4],
    eps: 1e-5,
  });
  return {
    name: "stage1.0",
    inChannels: 2,
    branches: [
      {
        kind: "conv",
        kernel: { data: Float64Array.from({ length: 36 }, (_, i) => ((i % 7) - 3) / 10), shape: [2, 2, 3, 3] },
        bn: bn(1.2, 0.3),
        stride: [1, 1],
        pads: [1, 1, 1, 1],
        dilation: [1, 1],
        groups: 1,
      },
      {
        kind: "conv",
        kernel: { data: Float64Array.from([0.5, -0.25, 0.125, 1]), shape: [2, 2, 1, 1] },
        bn: bn(0.8, -0.2),
        stride: [1, 1],
        pads: [0, 0, 0, 0],
        dilation: [1, 1],
        groups: 1,
      },
      { kind: "identity", bn: bn(1, 0.05) },
    ],
  };
}

/** `reparam example`: fuses a built-in RepVGG block and prints its deploy kernel. */
export function registerExample(program: Command): void {
  program
    .command("example")
    .description("fuse a built-in RepVGG block (3x3+BN, 1x1+BN, identity BN) and print the deploy conv")
    .action(() => {
      const block = exampleBlock();
      const res = fuseBlock(block);
      if (!res.ok) throw new Error(res.refusal.message);
      const { kernel, bias } = res.conv;
      const rows = [];
      for (let o = 0; o < 2; o++)
        for (let i = 0; i < 2; i++) {
          const k = [...kernel.data.subarray((o * 2 + i) * 9, (o * 2 + i + 1) * 9)].map((v) =>
            String(Number(Math.fround(v).toPrecision(5))),
          );
          rows.push([
            o,
            i,
            k.slice(0, 3).join(" "),
            k.slice(3, 6).join(" "),
            k.slice(6).join(" "),
            i === 0 ? String(Number(Math.fround(bias[o]!).toPrecision(5))) : "",
          ]);
        }
      process.stdout.write(
        `block ${block.name}: branches 3x3+bn, 1x1+bn, identity+bn -> one 3x3 conv (float64, rounded once to float32)\n`,
      );
      process.stdout.write(
        `${formatTable(["out", "in", "kernel row 0", "kernel row 1", "kernel row 2", "bias"], rows)}\n`,
      );
    });
}
