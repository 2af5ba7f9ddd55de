import { isReparamError } from "@reparam/core";
import { describe, expect, it } from "vitest";
import { importRuntime, isRuntimeMissing, noRuntimeInstalled, notFound, runtimeMissing } from "./import-runtime.js";

// A package name that exists nowhere: its import fails the way a missing runtime's does.
const absent = "@reparam/no-such-runtime";

describe("importRuntime", () => {
  it("returns what the loader gives when the package is there", async () => {
    expect(await importRuntime("onnxruntime-web", () => Promise.resolve(42))).toBe(42);
  });

  it("turns a missing package into VALIDATE_RUNTIME_MISSING naming it, with the npm i command as hint", async () => {
    const cause = await import(absent).catch((e: unknown) => e);
    const e = await importRuntime("onnxruntime-node", () => Promise.reject(relabel(cause, "onnxruntime-node"))).catch(
      (x: unknown) => x,
    );
    expect(isRuntimeMissing(e)).toBe(true);
    expect(isReparamError(e) && e.where).toBe("onnxruntime-node");
    expect(isReparamError(e) && e.hint).toBe("npm i onnxruntime-node@1.30.0");
    expect((e as Error).message).toMatch(/onnxruntime-node is not installed.*optional peer dependency/);
  });

  it("rethrows other failures as they are", async () => {
    const broken = new Error("bad ELF header");
    await expect(importRuntime("webgpu", () => Promise.reject(broken))).rejects.toBe(broken);
  });
});

describe("notFound", () => {
  it("recognises Node's not-found errors from import and require.resolve for the package itself only", async () => {
    const fromImport = await import(absent).catch((e: unknown) => e);
    expect(notFound(fromImport, absent)).toBe(true);
    expect(notFound(fromImport, "webgpu")).toBe(false);
    const fromResolve = { code: "MODULE_NOT_FOUND", message: `Cannot find module '${absent}/x.wasm'` };
    expect(notFound(fromResolve, absent)).toBe(true);
    expect(notFound(new Error(`'${absent}'`), absent)).toBe(false);
  });
});

describe("noRuntimeInstalled", () => {
  it("lists each missing package once and hints the first", () => {
    const e = noRuntimeInstalled(
      [runtimeMissing("onnxruntime-node"), runtimeMissing("onnxruntime-node"), runtimeMissing("onnxruntime-web")],
      "a.onnx and b.onnx",
    );
    expect(e.code).toBe("VALIDATE_RUNTIME_MISSING");
    expect(e.expected).toContain("one of onnxruntime-node, onnxruntime-web");
    expect(e.hint).toBe("npm i onnxruntime-node@1.30.0");
  });
});

/** Node's error for the absent package, as if it had been `pkg`. */
function relabel(e: unknown, pkg: string): unknown {
  const err = e as Error & { code?: string };
  return Object.assign(new Error(err.message.replaceAll(absent, pkg)), { code: err.code });
}
