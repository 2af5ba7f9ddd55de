import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findVulkanLoader } from "./vulkan-loader.js";

/** What the system's dynamic loader cache says, when `ldconfig` is there to ask. */
function ldconfigKnows(): boolean | undefined {
  try {
    return / libvulkan\.so\.1 /.test(execFileSync("ldconfig", ["-p"], { encoding: "utf8" }));
  } catch {
    return undefined;
  }
}

describe("findVulkanLoader", () => {
  it("finds libvulkan.so.1 in a folder of LD_LIBRARY_PATH", () => {
    const dir = mkdtempSync(join(tmpdir(), "reparam-vk-"));
    writeFileSync(join(dir, "libvulkan.so.1"), "");
    expect(findVulkanLoader({ LD_LIBRARY_PATH: `/nonexistent:${dir}` }, "linux")).toBe(true);
  });

  it("agrees with ldconfig -p on this machine", () => {
    const known = ldconfigKnows();
    if (known === true) expect(findVulkanLoader({}, "linux")).toBe(true);
    if (known === false) expect(findVulkanLoader({}, "linux")).toBe(false);
  });

  it("leaves other platforms to Dawn (D3D12, Metal)", () => {
    expect(findVulkanLoader({}, "darwin")).toBe(true);
    expect(findVulkanLoader({}, "win32")).toBe(true);
  });
});
