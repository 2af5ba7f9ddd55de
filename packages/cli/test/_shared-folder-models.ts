// A folder of several TF.js models side by side, the way some packages ship them: `NAME.json` + `NAME.bin`.
import { copyFileSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { GRAPH_FLOAT16_SEEDS } from "../../../tools/models/src/encodings/encoding-fixtures.js";

/** The committed float16 graph models that share one folder (`seed<N>.json` + `seed<N>-shard1of1.bin`). */
const source = fileURLToPath(new URL("../../../tools/models/fixtures/encodings/tfjs-graph-float16/", import.meta.url));

interface Manifest {
  weightsManifest: { paths: string[] }[];
}

/** Bytes of a TF.js model given by its main JSON: the file plus every shard its manifest names. */
export function manifestBytes(main: string, folder: string): number {
  const json = JSON.parse(readFileSync(join(folder, main), "utf8")) as Manifest;
  const shards = json.weightsManifest.flatMap((g) => g.paths);
  return [main, ...shards].reduce((n, p) => n + statSync(join(folder, p)).size, 0);
}

/**
 * Writes into `folder` the float16 graph fixtures as `NAME.json` + `NAME.bin`
 * (each manifest renamed to name its own one shard), plus `labels.json`, a
 * JSON file that is not a model. Returns the model names (`seed0`, ...).
 */
export function writeSharedFolder(folder: string): string[] {
  const names = GRAPH_FLOAT16_SEEDS.map((s) => `seed${s}`);
  for (const name of names) {
    const json = JSON.parse(readFileSync(join(source, `${name}.json`), "utf8")) as Manifest;
    const [group, ...rest] = json.weightsManifest;
    if (group === undefined || rest.length > 0 || group.paths.length !== 1)
      throw new Error(`${name}: expected one shard`);
    copyFileSync(join(source, group.paths[0]!), join(folder, `${name}.bin`));
    group.paths = [`${name}.bin`];
    writeFileSync(join(folder, `${name}.json`), JSON.stringify(json));
  }
  writeFileSync(join(folder, "labels.json"), JSON.stringify({ labels: ["cat", "dog"], version: 1 }));
  return names;
}
