import wabtInit from "wabt";
import { describe, expect, it } from "vitest";
import { COMPOSE_KERNELS_WASM } from "../src/wasm/_compose-kernels-bytes.js";
import { QUANTIZE_KERNELS_WASM } from "../src/wasm/_quantize-kernels-bytes.js";
import { SCALE_KERNELS_WASM } from "../src/wasm/_scale-kernels-bytes.js";
import composeWat from "../src/wasm/compose-kernels.wat?raw";
import quantizeWat from "../src/wasm/quantize-kernels.wat?raw";
import scaleWat from "../src/wasm/scale-kernels.wat?raw";

/** Each hand-written module: its .wat source and the hex that `pnpm --filter @reparam/core run compile:wat` embedded. */
const MODULES = [
  ["scale-kernels.wat", scaleWat, SCALE_KERNELS_WASM],
  ["compose-kernels.wat", composeWat, COMPOSE_KERNELS_WASM],
  ["quantize-kernels.wat", quantizeWat, QUANTIZE_KERNELS_WASM],
] as const;

describe("the embedded WebAssembly modules", () => {
  for (const [file, source, hex] of MODULES) {
    it(`holds the bytes ${file} compiles to (run compile:wat after editing it)`, async () => {
      const wabt = await wabtInit();
      const parsed = wabt.parseWat(file, source);
      parsed.validate();
      const embedded = Uint8Array.from({ length: hex.length / 2 }, (_, i) =>
        Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16),
      );
      expect(embedded).toEqual(parsed.toBinary({}).buffer);
    });
  }
});
