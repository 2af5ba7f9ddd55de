import { onnxSpellings } from "./onnx/onnx-spellings.js";
import { safetensorsSpellings } from "./safetensors/safetensors-spellings.js";
import type { Spelling } from "./spelling.js";
import { tfjsSpellings } from "./tfjs/index.js";

/** Every spelling of every format, the one list the runner and the tests iterate. */
export const allSpellings: readonly Spelling[] = [...onnxSpellings, ...safetensorsSpellings, ...tfjsSpellings];
