/// <reference types="node" />
import { isReparamError } from "@reparam/core";
import { errorCodeOf } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import { fixtureBytes } from "../../../tools/conformance/src/index.js";
import { PyDict, PyGlobal, PyInstance, TorchStorage, TorchTensor } from "../src/index.js";
import { archive, archiveOfPickle } from "./_archive.js";
import { bytes } from "./_bytes.js";
import { decodePth } from "./_convert.js";

const zipFile = () => fixtureBytes("pth/repvgg_tiny.train.pth");
const legacyFile = () => fixtureBytes("pth/repvgg_tiny.train_legacy.pth");

/** A pickled module whose `_modules` are `{a: child, b: child}`, one shared child per level, `depth` levels: 2^depth places. */
function sharedTree(depth: number): PyInstance {
  const moduleWith = (modules: [string, PyInstance][], parameters: [string, TorchTensor][]) => {
    const m = new PyInstance(new PyGlobal("models.common", "Block"), [], "newobj");
    const state = new PyDict(false);
    state.map.set("_parameters", new PyDict(true));
    state.map.set("_modules", new PyDict(true));
    for (const [k, v] of parameters) (state.map.get("_parameters") as PyDict).map.set(k, v);
    for (const [k, v] of modules) (state.map.get("_modules") as PyDict).map.set(k, v);
    m.state = state;
    return m;
  };
  let m = moduleWith(
    [],
    [["weight", new TorchTensor(new TorchStorage("0", "F32", 1, "cpu"), 0, [1], [1], true, true)]],
  );
  for (let i = 0; i < depth; i++)
    m = moduleWith(
      [
        ["a", m],
        ["b", m],
      ],
      [],
    );
  return m;
}

describe("pytorch adapter on bad files", () => {
  it("refuses a malicious data.pkl in an otherwise valid archive, naming the global; nothing runs", async () => {
    const evil = await archiveOfPickle(bytes(0x80, 2, "cposix\nsystem\nX", [6, 0, 0, 0], "rm -rf", 0x85, "R."));
    const e = await decodePth(evil).catch((x: unknown) => x);
    expect(isReparamError(e) && e.code === "PYTORCH_FORBIDDEN_GLOBAL" && e.found === "posix.system").toBe(true);
    const call = await archiveOfPickle(bytes(0x80, 2, "cyolo.utils\ndownload\n)R."));
    expect(await errorCodeOf(decodePth(call))).toBe("PYTORCH_FORBIDDEN_CALL");
  });

  it("throws a typed error for truncated or cut files", async () => {
    const zip = zipFile();
    expect(await errorCodeOf(decodePth(zip.subarray(0, zip.byteLength >> 1)))).toBe("PYTORCH_BAD_ZIP");
    expect(await errorCodeOf(decodePth(zip.subarray(0, 10)))).toBe("PYTORCH_BAD_ZIP");
    const legacy = legacyFile();
    expect(await errorCodeOf(decodePth(legacy.subarray(0, legacy.byteLength - 100)))).toBe("PYTORCH_TRUNCATED");
    expect(await errorCodeOf(decodePth(legacy.subarray(0, 200)))).toBe("PYTORCH_TRUNCATED");
    expect(await errorCodeOf(decodePth(new Uint8Array(0)))).toBe("PYTORCH_NOT_A_CHECKPOINT");
    expect(await errorCodeOf(decodePth(bytes("hello world")))).toBe("PYTORCH_NOT_A_CHECKPOINT");
  });

  it("throws a typed error for a compressed entry, a bad directory, a wrong magic number", async () => {
    const zip = zipFile().slice();
    const view = new DataView(zip.buffer);
    // The central directory starts where the end record says; make its first entry deflated.
    const end = zip.byteLength - 22;
    const dir = view.getUint32(end + 16, true);
    view.setUint16(dir + 10, 8, true);
    expect(await errorCodeOf(decodePth(zip))).toBe("PYTORCH_COMPRESSED_ENTRY");
    view.setUint32(dir, 0x12345678, true);
    expect(await errorCodeOf(decodePth(zip))).toBe("PYTORCH_BAD_ZIP");
    const legacy = legacyFile().slice();
    legacy[5] = legacy[5]! ^ 0xff; // inside the magic number's LONG1
    expect(await errorCodeOf(decodePth(legacy))).toBe("PYTORCH_NOT_A_CHECKPOINT");
  });

  it("throws PYTORCH_TOO_LARGE at once for a module tree of a few KB that shares each level's module twice", async () => {
    const file = await archive(sharedTree(40), new Map([["0", new Uint8Array(4)]]));
    expect(file.byteLength).toBeLessThan(16_384);
    const started = performance.now();
    expect(await errorCodeOf(decodePth(file))).toBe("PYTORCH_TOO_LARGE");
    expect(performance.now() - started).toBeLessThan(2000);
    // Sharing itself is fine: 2^10 places, each one's weight under its own dotted name.
    const model = await decodePth(await archive(sharedTree(10), new Map([["0", new Uint8Array(4)]])));
    expect(model.found.tensors.size).toBe(1024);
    expect(model.found.tensors.has("a.b.a.b.a.b.a.b.a.b.weight")).toBe(true);
  });

  it("throws a typed error for a legacy storage whose stored size disagrees with the pickle", async () => {
    const legacy = legacyFile().slice();
    // The first storage's u64 element count follows the key list pickle: find the last STOP before the data.
    const model = await decodePth(legacyFile());
    const first = Math.min(...model.file.storageOffsets.values());
    new DataView(legacy.buffer).setUint32(first - 8, 12345, true);
    expect(await errorCodeOf(decodePth(legacy))).toBe("PYTORCH_BAD_STORAGE");
  });
});
