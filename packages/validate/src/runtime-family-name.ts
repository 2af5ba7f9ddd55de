/**
 * The name of a runtime family: the model format it runs, and the name a
 * validation report's `format` carries. What each family is (its backends and
 * runtimes) is in `runtimeFamilies`; this type stands apart so that model
 * types can name a family without importing the runtimes.
 */
export type RuntimeFamilyName = "onnx" | "tfjs";

const NAMES: readonly string[] = ["onnx", "tfjs"] satisfies readonly RuntimeFamilyName[];

/** True when `name` (a format's `runtime` fact) names a family validate runs. */
export function isRuntimeFamilyName(name: string | undefined): name is RuntimeFamilyName {
  return name !== undefined && NAMES.includes(name);
}
