/**
 * Converts one large model in the built page (headless Chromium) and prints
 * the figures: time to `done`, the conversion's own time, and the peak
 * resident memory of the browser's processes (sampled from /proc every
 * 100 ms; the largest single process, and all of them summed). Files are
 * given as paths (not bytes) to playwright; either all paths or none.
 *
 *   pnpm --dir apps/web exec tsx scripts/large-model-run.ts /tmp/b3/repvgg-b3.onnx [more files]
 *
 * Builds nothing: run `pnpm --dir apps/web build` first.
 */
import { readdirSync, readFileSync } from "node:fs";
import { appRoot } from "../test/build-page.js";
import { openPage } from "../test/page-driver.js";
import { serveStatic } from "../test/static-server.js";

function descendants(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {}
  }
  const out = [pid];
  for (let i = 0; i < out.length; i++) for (const [c, p] of parent) if (p === out[i]) out.push(c);
  return out;
}

function rssMiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

const files = process.argv.slice(2);
if (files.length === 0) throw new Error("usage: large-model-run.ts FILE...");
const server = await serveStatic(`${appRoot}dist`);
const driver = await openPage(server.url);
let peakOne = 0;
let peakSum = 0;
/** Peak RSS of the largest process per step of the page (the status line's first word), and when the step began. */
const steps = new Map<string, { start: number; peak: number }>();
let step = "start";
const sampler = setInterval(() => {
  // Chromium and its renderers, GPU and utility processes are this script's descendants.
  const rss = descendants(process.pid).slice(1).map(rssMiB);
  peakOne = Math.max(peakOne, ...rss);
  peakSum = Math.max(
    peakSum,
    rss.reduce((a, b) => a + b, 0),
  );
  const s = steps.get(step) ?? { start: performance.now(), peak: 0 };
  steps.set(step, { ...s, peak: Math.max(s.peak, ...rss) });
}, 100);
const watcher = setInterval(() => {
  driver.page
    .locator("[data-testid=status]")
    .textContent()
    .then((t) => {
      step = (t ?? "").split(/[ :]/)[0] ?? "";
    })
    .catch(() => undefined);
}, 200);
const t0 = performance.now();
try {
  const run = await driver.run(files, 1_800_000);
  const seconds = (performance.now() - t0) / 1000;
  const converted = await driver.page.locator("#converted").textContent();
  console.log(`status: ${run.status.split("\n")[0]}`);
  console.log(`converted: ${converted}`);
  console.log(`download: ${run.download?.name} ${run.download?.bytes.length} bytes`);
  console.log(`to the end of verification: ${seconds.toFixed(1)} s`);
  console.log(`peak RSS: largest process ${peakOne.toFixed(0)} MiB, all browser processes ${peakSum.toFixed(0)} MiB`);
  for (const [name, s] of steps)
    console.log(
      `  step ${name.padEnd(10)} from ${((s.start - t0) / 1000).toFixed(1)} s, peak ${s.peak.toFixed(0)} MiB`,
    );
  console.log(run.report.split("\n").slice(0, 3).join("\n"));
} finally {
  clearInterval(sampler);
  clearInterval(watcher);
  await driver.close();
  await server.close();
}
