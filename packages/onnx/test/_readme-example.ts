/// <reference types="node" />
import { readFileSync } from "node:fs";
import ts from "typescript";

const IMPORT = /^import \{([^}]*)\} from "([^"]+)";$/gm;

/**
 * Runs a ```ts block of the README at `readme` as it is written, inside an
 * async function: the first block whose imports are all in `modules` or
 * `node:fs/promises` (the in-memory example; the file-to-file one, which
 * needs `@reparam/core/node`, runs in the CLI's readme-examples test). Its
 * `import { a, b } from "m"` lines are bound to `modules[m]` (so the
 * packages' sources are what runs) and `readFile` reads `files` by the name
 * the README uses. Returns the values of the block's variables named in `results`.
 */
export async function runReadmeExample(
  readme: URL,
  modules: Readonly<Record<string, object>>,
  files: Readonly<Record<string, Uint8Array>>,
  results: readonly string[],
): Promise<Record<string, unknown>> {
  const fs = {
    readFile: async (name: string) => {
      const bytes = files[name];
      if (bytes === undefined) throw new Error(`the README reads ${name}, not given to runReadmeExample`);
      return bytes;
    },
  };
  const all: Record<string, object> = { ...modules, "node:fs/promises": fs };
  const blocks = [...readFileSync(readme, "utf8").matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const code = blocks.find((b) => [...b.matchAll(IMPORT)].every((m) => m[2]! in all));
  if (code === undefined)
    throw new Error(`no \`\`\`ts block of the README imports only ${Object.keys(all).join(", ")}`);
  const bound = code.replace(
    IMPORT,
    (_, names: string, from: string) =>
      `const {${names.replace(/\btype \w+,?/g, "")}} = __modules[${JSON.stringify(from)}];`,
  );
  // The README is TypeScript: its types go (as the reader's compiler drops them), nothing else changes.
  const body = ts
    .transpileModule(`${bound}\nexport {};`, {
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
    })
    .outputText.replace(/^export \{\};\s*$/m, "");
  const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (
    ...args: string[]
  ) => (...args: unknown[]) => Promise<Record<string, unknown>>;
  const run = new AsyncFunction("__modules", `${body}\nreturn { ${results.join(", ")} };`);
  return run(all);
}
