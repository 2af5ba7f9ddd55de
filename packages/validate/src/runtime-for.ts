import type { BackendName } from "./backend-name.js";
import type { Runtime } from "./model-session.js";
import { runtimeFamilies } from "./runtime-families.js";
import type { RuntimeFamilyName } from "./runtime-family-name.js";

/** The runtime that runs a runtime family's models on a backend (see {@link runtimeFamilies}). */
export function runtimeFor(family: RuntimeFamilyName, backend: BackendName): Runtime {
  return runtimeFamilies[family].runtime(backend);
}
