import {
  type Tensor4,
  addTensors,
  avgPool,
  batchNorm,
  conv2d,
  maxAbs,
  maxAbsDiff,
  padTensor,
  seededRandom,
} from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import { Dict, convBn, deployForward, randomInput } from "./_dict.js";
import { convertBytes } from "./_memory-io.js";

interface ConvSpec {
  readonly conv: string;
  readonly bn?: string;
  readonly k: readonly [number, number];
}

interface Family {
  readonly scheme: string;
  readonly deploy: string;
  readonly convs: readonly ConvSpec[];
  readonly identity?: string;
}

const rep = (a: string, b: string): ConvSpec[] => [{ conv: a, bn: b, k: [3, 3] }];
const FAMILIES: readonly Family[] = [
  {
    scheme: "repvgg",
    deploy: "rbr_reparam",
    convs: [...rep("rbr_dense.conv", "rbr_dense.bn"), { conv: "rbr_1x1.conv", bn: "rbr_1x1.bn", k: [1, 1] }],
    identity: "rbr_identity",
  },
  {
    scheme: "timm-repvgg",
    deploy: "reparam_conv",
    convs: [...rep("conv_kxk.conv", "conv_kxk.bn"), { conv: "conv_1x1.conv", bn: "conv_1x1.bn", k: [1, 1] }],
    identity: "identity",
  },
  {
    scheme: "timm-mobileone",
    deploy: "reparam_conv",
    convs: [0, 1, 2]
      .flatMap((i) => rep(`conv_kxk.${i}.conv`, `conv_kxk.${i}.bn`))
      .concat([{ conv: "conv_scale.conv", bn: "conv_scale.bn", k: [1, 1] }]),
    identity: "identity",
  },
  {
    scheme: "mobileone",
    deploy: "reparam_conv",
    convs: [0, 1, 2, 3]
      .flatMap((i) => rep(`rbr_conv.${i}.conv`, `rbr_conv.${i}.bn`))
      .concat([{ conv: "rbr_scale.conv", bn: "rbr_scale.bn", k: [1, 1] }]),
    identity: "rbr_skip",
  },
  {
    scheme: "yolov7",
    deploy: "rbr_reparam",
    convs: [...rep("rbr_dense.0", "rbr_dense.1"), { conv: "rbr_1x1.0", bn: "rbr_1x1.1", k: [1, 1] }],
    identity: "rbr_identity",
  },
  {
    scheme: "acnet",
    deploy: "fused_conv",
    convs: [
      { conv: "square_conv", bn: "square_bn", k: [5, 5] },
      { conv: "ver_conv", bn: "ver_bn", k: [5, 1] },
      { conv: "hor_conv", bn: "hor_bn", k: [1, 5] },
    ],
  },
];

function close(a: Tensor4, b: Tensor4): void {
  expect(a.shape).toEqual(b.shape);
  expect(maxAbsDiff(a.data, b.data)).toBeLessThanOrEqual(1e-5 * maxAbs(b.data));
}

describe("built-in families, detected from their keys", () => {
  for (const f of FAMILIES) {
    // [in, out, groups, stride]: an identity block, a strided one, a depthwise one (with identity when the family has one).
    const shapes: [number, number, number, number][] = [
      [8, 8, 1, 1],
      [4, 8, 1, 2],
      [8, 8, 8, f.identity === undefined ? 2 : 1],
    ];
    for (const [cin, cout, groups, stride] of shapes) {
      it(`${f.scheme}: equals its train-time forward for ${cin} -> ${cout} channels, groups ${groups}, stride ${stride}`, async () => {
        const d = new Dict(seededRandom(cin * 100 + groups * 10 + stride));
        const p = "backbone.blocks.3.";
        let y: Tensor4[] = [];
        const x = randomInput(d.rand, cin, 9, 9);
        for (const s of f.convs) {
          const conv = d.conv(p + s.conv, [cout, cin / groups, s.k[0], s.k[1]]);
          const bn = s.bn === undefined ? undefined : d.bn(p + s.bn, cout);
          y.push(convBn(x, conv, bn, stride, groups));
        }
        if (f.identity !== undefined && cin === cout && stride === 1) y.push(batchNorm(x, d.bn(p + f.identity, cout)));
        d.other(`${p}se.down.weight`, [2, cout, 1, 1]);
        const { report, bytes } = await convertBytes(await d.bytes());
        expect(report.notes[0]).toContain(`naming scheme ${f.scheme} `);
        expect(report.fused.map((b) => b.name)).toEqual(["backbone.blocks.3"]);
        close(await deployForward(bytes, `${p}${f.deploy}`, x, stride), addTensors(y));
        const rows = await convertBytes(await d.bytes(), { fuseChunkBytes: 100 });
        expect(rows.bytes).toEqual(bytes);
        y = [];
      });
    }
  }
});

describe("QARepVGG: bare 1x1, bare identity, post-sum BN", () => {
  for (const [cin, cout, stride] of [
    [8, 8, 1],
    [4, 8, 2],
  ] as const) {
    it(`${cin} -> ${cout}, stride ${stride}: folds BN(dense + 1x1 + X)`, async () => {
      const d = new Dict(seededRandom(cin + stride));
      const x = randomInput(d.rand, cin, 7, 7);
      const dense = convBn(x, d.conv("rbr_dense.conv", [cout, cin, 3, 3]), d.bn("rbr_dense.bn", cout), stride, 1);
      const one = convBn(x, d.conv("rbr_1x1", [cout, cin, 1, 1]), undefined, stride, 1);
      const sum = addTensors(cin === cout ? [dense, one, x] : [dense, one]);
      const post = d.bn("bn", cout);
      const { report, bytes } = await convertBytes(await d.bytes());
      expect(report.families).toEqual({ qarepvgg: 1 });
      close(await deployForward(bytes, "rbr_reparam", x, stride), batchNorm(sum, post));
    });
  }
});

describe("DBB: origin, 1x1, 1x1 -> kxk (BNAndPad), average branch", () => {
  // [in, out, groups, internal, stride]: IdentityBasedConv1x1, plain conv1 with 2x channels, depthwise, strided.
  const cases: [number, number, number, number, number][] = [
    [8, 8, 1, 8, 1],
    [4, 4, 2, 8, 1],
    [6, 6, 6, 12, 1],
    [4, 8, 1, 4, 2],
  ];
  for (const [cin, cout, g, mid, stride] of cases) {
    it(`${cin} -> ${cout}, groups ${g}, internal ${mid}, stride ${stride}: equals the train-time forward`, async () => {
      const d = new Dict(seededRandom(cin * 7 + g + mid));
      const x = randomInput(d.rand, cin, 8, 8);
      const k = 3;
      const ys = [convBn(x, d.conv("dbb_origin.conv", [cout, cin / g, k, k]), d.bn("dbb_origin.bn", cout), stride, g)];
      if (g < cout)
        ys.push(convBn(x, d.conv("dbb_1x1.conv", [cout, cin / g, 1, 1]), d.bn("dbb_1x1.bn", cout), stride, g));
      // BNAndPadLayer: BN, then pad with the BN's output for a zero input.
      const bnPad = (t: Tensor4, bn: ReturnType<Dict["bn"]>) =>
        padTensor(
          batchNorm(t, bn),
          [1, 1, 1, 1],
          (c) => bn.beta[c]! - (bn.mean[c]! * bn.gamma[c]!) / Math.sqrt(bn.variance[c]! + bn.eps),
        );
      const first = d.conv(mid === cin ? "dbb_1x1_kxk.idconv1" : "dbb_1x1_kxk.conv1", [mid, cin / g, 1, 1]);
      const w1 = Float32Array.from(first.weight);
      if (mid === cin) for (let i = 0; i < mid; i++) w1[i * (cin / g) + (i % (cin / g))]! += 1; // IdentityBasedConv1x1
      const h = bnPad(convBn(x, { weight: w1, shape: first.shape }, undefined, 1, g), d.bn("dbb_1x1_kxk.bn1.bn", mid));
      const second = d.conv("dbb_1x1_kxk.conv2", [cout, mid / g, k, k]);
      ys.push(
        batchNorm(
          conv2d(h, { weight: { data: second.weight, shape: second.shape }, stride: [stride, stride], groups: g }),
          d.bn("dbb_1x1_kxk.bn2", cout),
        ),
      );
      if (g < cout) {
        const a = bnPad(
          convBn(x, d.conv("dbb_avg.conv", [cout, cin / g, 1, 1]), undefined, 1, g),
          d.bn("dbb_avg.bn.bn", cout),
        );
        ys.push(batchNorm(avgPool(a, [k, k], [stride, stride], [0, 0, 0, 0]), d.bn("dbb_avg.avgbn", cout)));
      } else {
        ys.push(batchNorm(avgPool(x, [k, k], [stride, stride], [1, 1, 1, 1]), d.bn("dbb_avg.avgbn", cout)));
      }
      const { report, bytes } = await convertBytes(await d.bytes());
      expect(report.families).toEqual({ dbb: 1 });
      expect(report.fused[0]?.branches.length).toBe(ys.length);
      close(await deployForward(bytes, "dbb_reparam", x, stride), addTensors(ys));
    });
  }
});
