import type { BackendChoice, BackendName } from "./backend-name.js";
import { runtimeFamilies } from "./runtime-families.js";
import type { RuntimeFamilyName } from "./runtime-family-name.js";

/** The backends to try, fastest first, for a runtime family and a choice. */
export function backendOrder(family: RuntimeFamilyName, choice: BackendChoice): readonly BackendName[] {
  const order: readonly BackendName[] = runtimeFamilies[family].order;
  if (choice === "auto" || choice === "gpu") return order;
  return order.slice(order.indexOf(choice));
}
