import { ReparamError } from "@reparam/core";
import { acnetArch } from "./acnet.js";
import type { Arch } from "./arch.js";
import { DBB_VARIANTS, dbbArch } from "./dbb.js";
import { MOBILEONE_VARIANTS, mobileOneArch } from "./mobileone.js";
import { REPVGG_VARIANTS, repvggArch } from "./repvgg.js";
import { yolov7RepconvArch } from "./yolov7-repconv.js";

/** Options every architecture accepts. */
export interface ArchOptions {
  /** Default input height = width (224; 32 for `repvgg-sample` and `dbb-sample`). */
  readonly inputSize?: number;
  /** Block key names: `timm` for RepVGG and MobileOne; the family's official names otherwise. */
  readonly naming?: "official" | "timm";
}

type Factory = (name: string, o: ArchOptions) => Arch;

const size = (o: ArchOptions) => (o.inputSize === undefined ? {} : { inputSize: o.inputSize });

const FACTORIES: Readonly<Record<string, Factory>> = {
  ...Object.fromEntries(
    Object.entries(REPVGG_VARIANTS).map(([name, v]) => [
      name,
      (n: string, o: ArchOptions) => repvggArch(v, { name: n, ...size(o), naming: o.naming ?? "official" }),
    ]),
  ),
  ...Object.fromEntries(
    Object.entries(MOBILEONE_VARIANTS).map(([name, v]) => [
      name,
      (n: string, o: ArchOptions) =>
        mobileOneArch(v, { name: n, ...size(o), naming: o.naming === "timm" ? "timm" : "apple" }),
    ]),
  ),
  // Benchmark only (#14: memory flat as the model grows): RepVGG-B3's widths, stages 1-3 twice as deep (~2x its parameters; the same largest block).
  "repvgg-b3-deep2": (name, o) =>
    repvggArch(
      { ...REPVGG_VARIANTS["repvgg-b3"], depths: [8, 12, 32, 1] },
      { name, ...size(o), naming: o.naming ?? "official" },
    ),
  "qarepvgg-a0": (name, o) => repvggArch(REPVGG_VARIANTS["repvgg-a0"], { name, ...size(o), quantAware: true }),
  "acnet-vgg": (name, o) => acnetArch({ name, ...size(o) }),
  "yolov7-repconv": (name, o) => yolov7RepconvArch({ name, ...size(o) }),
  "dbb-a0": (name, o) => dbbArch(DBB_VARIANTS["dbb-a0"], { name, ...size(o) }),
  "dbb-sample": (name, o) => dbbArch(DBB_VARIANTS["dbb-sample"], { name, classes: 10, inputSize: o.inputSize ?? 32 }),
  "repvgg-sample": (name, o) =>
    repvggArch(
      { depths: [2, 2, 2], a: 1, b: 1 },
      {
        name,
        widths: [16, 32, 64],
        stem: 16,
        classes: 10,
        inputSize: o.inputSize ?? 32,
        naming: o.naming ?? "official",
      },
    ),
};

/** Names accepted by {@link architecture}. */
export const ARCHITECTURE_NAMES: readonly string[] = Object.keys(FACTORIES);

/**
 * The train-form architecture called `name` (see {@link ARCHITECTURE_NAMES}).
 *
 * @throws ReparamError `MODELS_UNKNOWN_ARCH` for any other name.
 */
export function architecture(name: string, options: ArchOptions = {}): Arch {
  const factory = FACTORIES[name];
  if (factory === undefined) {
    throw new ReparamError("MODELS_UNKNOWN_ARCH", `unknown architecture ${JSON.stringify(name)}`, {
      where: "--arch",
      expected: `one of ${ARCHITECTURE_NAMES.join(", ")}`,
      found: JSON.stringify(name),
    });
  }
  return factory(name, options);
}
