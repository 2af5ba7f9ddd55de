import { closeSync, openSync, writeSync } from "node:fs";

/**
 * Writes a train-time RepVGG state dict (official key names) of `blocks`
 * blocks of `channels` channels, float32: 3x3 and 1x1 convs with their
 * BatchNorms and an identity BatchNorm per block, about
 * `blocks * channels^2 * 40` bytes. The weights are zeros and the variances
 * ones (any valid values do: the tests that use it stop the conversion), so
 * the file is written in large zero chunks without holding it in memory.
 */
export function writeBigSafetensors(path: string, blocks: number, channels: number): number {
  const c = channels;
  const bn = (p: string): [string, number[]][] =>
    ["weight", "bias", "running_mean", "running_var"].map((k) => [`${p}.${k}`, [c]]);
  const tensors: [string, number[]][] = [];
  for (let i = 0; i < blocks; i++) {
    const p = `stages.${i}`;
    tensors.push([`${p}.rbr_dense.conv.weight`, [c, c, 3, 3]], ...bn(`${p}.rbr_dense.bn`));
    tensors.push([`${p}.rbr_1x1.conv.weight`, [c, c, 1, 1]], ...bn(`${p}.rbr_1x1.bn`));
    tensors.push(...bn(`${p}.rbr_identity`));
  }
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const [name, shape] of tensors) {
    const n = shape.reduce((a, b) => a * b, 4);
    header[name] = { dtype: "F32", shape, data_offsets: [offset, offset + n] };
    offset += n;
  }
  let json = JSON.stringify(header);
  json += " ".repeat((8 - (json.length % 8)) % 8);
  const size = new Uint8Array(8);
  new DataView(size.buffer).setBigUint64(0, BigInt(json.length), true);
  const fd = openSync(path, "w");
  try {
    writeSync(fd, size);
    writeSync(fd, new TextEncoder().encode(json));
    const ones = new Float32Array(c).fill(1);
    const zeros = new Uint8Array(1 << 20);
    for (const [name, shape] of tensors) {
      if (name.endsWith("running_var")) {
        writeSync(fd, new Uint8Array(ones.buffer));
        continue;
      }
      let left = shape.reduce((a, b) => a * b, 4);
      for (; left > 0; left -= zeros.length) writeSync(fd, zeros, 0, Math.min(left, zeros.length));
    }
  } finally {
    closeSync(fd);
  }
  return 8 + json.length + offset;
}
