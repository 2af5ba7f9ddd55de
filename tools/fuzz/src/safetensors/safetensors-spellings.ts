import type { Spelling } from "../spelling.js";
import { safetensorsSpelling } from "./safetensors-spelling.js";
import { SCHEME_LAYOUTS } from "./scheme-layouts.js";

/** Every built-in naming scheme in F32, F16 and BF16: `safetensors/<scheme>/<dtype>`. */
export const safetensorsSpellings: readonly Spelling[] = SCHEME_LAYOUTS.flatMap((layout) =>
  (["F32", "F16", "BF16"] as const).map((dtype) => safetensorsSpelling(layout, dtype)),
);
