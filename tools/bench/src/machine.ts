import { cpus, totalmem } from "node:os";

/** A short description of this machine for the benchmark report. */
export function machine(): Record<string, string> {
  const c = cpus();
  return {
    cpu: `${c.length} x ${c[0]?.model ?? "unknown"}`,
    memory: `${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}
