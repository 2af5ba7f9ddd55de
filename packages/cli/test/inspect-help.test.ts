import { BUILTIN_SCHEMES } from "@reparam/safetensors";
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { registerInspect } from "../src/commands/inspect.js";

describe("reparam inspect --help", () => {
  it("lists every built-in state-dict naming scheme with the family it reports", () => {
    const program = new Command();
    registerInspect(program);
    const inspect = program.commands.find((c) => c.name() === "inspect")!;
    let text = "";
    inspect.configureOutput({ writeOut: (s) => (text += s) });
    inspect.outputHelp();
    expect(text).toContain("State-dict naming schemes");
    for (const s of BUILTIN_SCHEMES) expect(text).toMatch(new RegExp(`\\n  ${s.name} +${s.family}\\n`));
    expect(text).toContain("timm-fastvit-repmixer  fastvit_repmixer");
  });
});
