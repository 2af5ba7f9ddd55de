import type { FamilyNet, FamilyStep, StateDict, StateTensor } from "./family-net.js";
import { tensor } from "./family-weights.js";

/** timm Next-ViT's attention head width and E_MHSA's spatial reduction (sr_ratio 2: AvgPool1d over 4 tokens). */
const HEAD_DIM = 32;
const POOL = 4;

const conv = (
  name: string,
  x: string,
  weight: string,
  k: number,
  o: { bias?: string; bn?: string } = {},
): FamilyStep => ({
  op: "conv",
  name,
  x,
  weight,
  stride: 1,
  pad: k >> 1,
  dilation: 1,
  depthwise: false,
  ...o,
});

/**
 * The nextvit_prebn case (timm NextConvBlock / NextTransformerBlock, stride
 * 1) as a Keras user writes it in NHWC, by hand: the ONNX export's token
 * reshapes and transposes are NCHW-specific. Conv blocks: patch_embed
 * (1x1 conv + BN, when the key exists), x + mhca(x) (3x3 conv + BN, ReLU,
 * 1x1 projection), x + mlp(norm(x)). Transformer blocks: patch_embed,
 * x + E_MHSA(norm1(x)) on `[N, H*W, C]` tokens (q from the tokens, k / v from
 * AvgPool1d(4) then BatchNorm1d (`e_mhsa.norm`); each Linear as Keras Dense
 * on tokens: Reshape to 2-D, MatMul, Reshape back, bias added; heads of 32;
 * softmax(q * 32^-0.5 @ k^T) @ v; proj), then projection (1x1 conv + BN)
 * + mhca, concatenated with x, then + mlp(norm2(.)). Returns the net and the
 * dict with the attention scale added (`<prefix>.e_mhsa.scale`).
 */
export function nextvitNet(
  name: string,
  inputNchw: readonly number[],
  train: StateDict,
): { net: FamilyNet; dict: StateDict } {
  const dict = new Map<string, StateTensor>(train);
  const [n, c0, h, w] = inputNchw as [number, number, number, number];
  const steps: FamilyStep[] = [];
  const push = (...s: FamilyStep[]) => {
    steps.push(...s);
    return s.at(-1)!.name;
  };
  const mhca = (p: string, x: string) => {
    push(conv(`${p}.mhca.group_conv3x3`, x, `${p}.mhca.group_conv3x3.weight`, 3, { bn: `${p}.mhca.norm` }));
    push({ op: "unary", name: `${p}.mhca.act`, x: `${p}.mhca.group_conv3x3`, fn: "relu" });
    return push(conv(`${p}.mhca.projection`, `${p}.mhca.act`, `${p}.mhca.projection.weight`, 1));
  };
  const mlp = (p: string, norm: string, x: string) => {
    push({ op: "bn", name: `${p}.${norm}`, x, bn: `${p}.${norm}` });
    push(conv(`${p}.mlp.fc1`, `${p}.${norm}`, `${p}.mlp.fc1.weight`, 1, { bias: `${p}.mlp.fc1.bias` }));
    push({ op: "unary", name: `${p}.mlp.act`, x: `${p}.mlp.fc1`, fn: "relu" });
    push(conv(`${p}.mlp.fc2`, `${p}.mlp.act`, `${p}.mlp.fc2.weight`, 1, { bias: `${p}.mlp.fc2.bias` }));
    return push({ op: "binary", name: `${p}.mlp_add`, fn: "add", a: { tensor: x }, b: { tensor: `${p}.mlp.fc2` } });
  };
  /** Keras Dense on `[n, tokens, C]`: Reshape to 2-D, MatMul, Reshape back, + bias. */
  const dense = (p: string, x: string, tokens: number) => {
    const out = tensor(dict, `${p}.weight`).shape[0]!;
    push({ op: "reshape", name: `${p}.flat`, x, shape: [-1, tensor(dict, `${p}.weight`).shape[1]!] });
    push({ op: "dense", name: `${p}.matmul`, x: `${p}.flat`, weight: `${p}.weight` });
    push({ op: "reshape", name: `${p}.tokens`, x: `${p}.matmul`, shape: [n, tokens, out] });
    return push({ op: "binary", name: p, fn: "add", a: { tensor: `${p}.tokens` }, b: { key: `${p}.bias` } });
  };
  const blocks = [
    ...new Set([...dict.keys()].map((k) => /^stages\.\d+\.\d+/.exec(k)?.[0]).filter((p) => p !== undefined)),
  ];
  let x = "input";
  for (const p of blocks) {
    if (dict.has(`${p}.patch_embed.conv.weight`))
      x = push(conv(`${p}.patch_embed`, x, `${p}.patch_embed.conv.weight`, 1, { bn: `${p}.patch_embed.norm` }));
    if (!dict.has(`${p}.e_mhsa.q.weight`)) {
      x = push({ op: "binary", name: `${p}.mhca_add`, fn: "add", a: { tensor: x }, b: { tensor: mhca(p, x) } });
      x = mlp(p, "norm", x);
      continue;
    }
    const c = tensor(dict, `${p}.e_mhsa.q.weight`).shape[0]!;
    const [heads, tokens, kept] = [c / HEAD_DIM, h * w, (h * w) / POOL];
    const e = `${p}.e_mhsa`;
    dict.set(`${e}.scale`, { shape: [], data: Float32Array.of(HEAD_DIM ** -0.5) });
    push({ op: "bn", name: `${p}.norm1`, x, bn: `${p}.norm1` });
    push({ op: "reshape", name: `${p}.to_tokens`, x: `${p}.norm1`, shape: [n, tokens, c] });
    dense(`${e}.q`, `${p}.to_tokens`, tokens);
    push({ op: "reshape", name: `${e}.q_heads`, x: `${e}.q`, shape: [n, tokens, heads, HEAD_DIM] });
    push({ op: "transpose", name: `${e}.q_t`, x: `${e}.q_heads`, perm: [0, 2, 1, 3] });
    push({ op: "binary", name: `${e}.q_scaled`, fn: "mul", a: { tensor: `${e}.q_t` }, b: { key: `${e}.scale` } });
    push({ op: "avgpool1d", name: `${e}.sr`, x: `${p}.to_tokens`, k: POOL });
    push({ op: "affineBn", name: `${e}.norm`, x: `${e}.sr`, bn: `${e}.norm` });
    dense(`${e}.k`, `${e}.norm`, kept);
    push({ op: "reshape", name: `${e}.k_heads`, x: `${e}.k`, shape: [n, kept, heads, HEAD_DIM] });
    push({ op: "transpose", name: `${e}.k_t`, x: `${e}.k_heads`, perm: [0, 2, 3, 1] });
    dense(`${e}.v`, `${e}.norm`, kept);
    push({ op: "reshape", name: `${e}.v_heads`, x: `${e}.v`, shape: [n, kept, heads, HEAD_DIM] });
    push({ op: "transpose", name: `${e}.v_t`, x: `${e}.v_heads`, perm: [0, 2, 1, 3] });
    push({ op: "matmul", name: `${e}.scores`, a: `${e}.q_scaled`, b: `${e}.k_t` });
    push({ op: "softmax", name: `${e}.attn`, x: `${e}.scores` });
    push({ op: "matmul", name: `${e}.mixed`, a: `${e}.attn`, b: `${e}.v_t` });
    push({ op: "transpose", name: `${e}.mixed_t`, x: `${e}.mixed`, perm: [0, 2, 1, 3] });
    push({ op: "reshape", name: `${e}.merged`, x: `${e}.mixed_t`, shape: [n, tokens, c] });
    dense(`${e}.proj`, `${e}.merged`, tokens);
    push({ op: "reshape", name: `${p}.to_map`, x: `${e}.proj`, shape: [n, h, w, c] });
    const x1 = push({ op: "binary", name: `${p}.attn_add`, fn: "add", a: { tensor: x }, b: { tensor: `${p}.to_map` } });
    const pr = push(conv(`${p}.projection`, x1, `${p}.projection.conv.weight`, 1, { bn: `${p}.projection.norm` }));
    const x2 = push({ op: "binary", name: `${p}.mhca_add`, fn: "add", a: { tensor: pr }, b: { tensor: mhca(p, pr) } });
    x = mlp(p, "norm2", push({ op: "concat", name: `${p}.concat`, xs: [x1, x2] }));
  }
  return { net: { name, input: [n, h, w, c0], eps: 1e-5, steps }, dict };
}
