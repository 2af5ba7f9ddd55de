// The embedded form of each src/wasm/*.wat: its compiled bytes as a hex
// string in a TypeScript module. Shared by compile-wat.mjs and the test that
// checks the committed modules against their sources.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import wabtInit from "wabt";

const LINE = 48; // bytes per source line of hex

/** @returns {Promise<{ wat: string; tsPath: string; bytes: Uint8Array; ts: string }[]>} */
export async function watModules(dir) {
  const wabt = await wabtInit();
  return readdirSync(dir)
    .filter((f) => f.endsWith(".wat"))
    .sort()
    .map((f) => {
      const name = f.slice(0, -4);
      const parsed = wabt.parseWat(f, readFileSync(join(dir, f), "utf8"));
      parsed.validate();
      const bytes = parsed.toBinary({}).buffer;
      parsed.destroy();
      const hex = Buffer.from(bytes).toString("hex");
      const lines = [];
      for (let i = 0; i < hex.length; i += 2 * LINE) lines.push(`  "${hex.slice(i, i + 2 * LINE)}",`);
      const constName = `${name.replace(/-/g, "_").toUpperCase()}_WASM`;
      const ts = [
        `// Generated from ${f} by scripts/compile-wat.mjs: do not edit.`,
        `/** The compiled bytes of \`${f}\` (${bytes.length} bytes), in hex. */`,
        `export const ${constName} = [`,
        ...lines,
        `].join("");`,
        "",
      ].join("\n");
      return { wat: f, tsPath: join(dir, `_${name}-bytes.ts`), bytes, ts };
    });
}
