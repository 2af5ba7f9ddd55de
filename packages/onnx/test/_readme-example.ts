/// <reference types="node" />
import { readFileSync } from "node:fs";

/**
 * Runs the first ```ts block of the README at `readme` as it is written, inside an
 * async function: its `import { a, b } from "m"` lines bound to `modules[m]`
 * (so the packages' sources are what runs), the names in `inputs` in scope
 * as the variables the README says the reader has. Returns the values of
 * the block's variables named in `results`.
 */
export async function runReadmeExample(
  readme: URL,
  modules: Readonly<Record<string, object>>,
  inputs: Readonly<Record<string, unknown>>,
  results: readonly string[],
): Promise<Record<string, unknown>> {
  const code = /```ts\n([\s\S]*?)```/.exec(readFileSync(readme, "utf8"))?.[1];
  if (code === undefined) throw new Error("no ```ts block in the README");
  const body = code.replace(/^import \{([^}]*)\} from "([^"]+)";$/gm, (_, names: string, from: string) => {
    if (!(from in modules)) throw new Error(`the README imports ${from}, not given to runReadmeExample`);
    return `const {${names}} = __modules[${JSON.stringify(from)}];`;
  });
  const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (
    ...args: string[]
  ) => (...args: unknown[]) => Promise<Record<string, unknown>>;
  const run = new AsyncFunction("__modules", ...Object.keys(inputs), `${body}\nreturn { ${results.join(", ")} };`);
  return run(modules, ...Object.values(inputs));
}
