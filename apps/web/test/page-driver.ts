import { readFile } from "node:fs/promises";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

/** Debian's chromium (`apt-get install -y chromium`); playwright-core downloads no browser. */
export const CHROMIUM = "/usr/bin/chromium";

/** A file to upload given by its name and bytes. */
export interface BufferFile {
  readonly name: string;
  readonly buffer: Buffer;
}

/** One file to upload: its name and bytes, or (for large files) a path on disk. */
export type UploadFile = BufferFile | string;

/** What a page run ended with. */
export interface PageRun {
  /** The status line's final text: `done` or `error: CODE message`. */
  readonly status: string;
  readonly report: string;
  /** The download link's `download` attribute and the file's bytes (absent when there is no link). */
  readonly download?: { readonly name: string; readonly bytes: Buffer };
}

/** A browser on the built page, with every request made after the page said `ready` recorded. */
export interface PageDriver {
  readonly page: Page;
  /** URLs requested since the page was ready (the page's own assets are all loaded before that). */
  readonly lateRequests: string[];
  run(files: readonly UploadFile[], timeoutMs?: number): Promise<PageRun>;
  /** Drops `files` on the page's drop zone (a synthetic drop: the files, no folder entries), then as {@link run}. */
  drop(files: readonly BufferFile[], timeoutMs?: number): Promise<PageRun>;
  close(): Promise<void>;
}

/** Launches headless Chromium on `url`, waits until the page is `ready`, then records requests. */
export async function openPage(url: string): Promise<PageDriver> {
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage"],
  });
  const context: BrowserContext = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  const lateRequests: string[] = [];
  let loaded = false;
  context.on("request", (r) => {
    if (loaded) lateRequests.push(r.url());
  });
  await page.goto(url);
  await page.waitForFunction(() => document.querySelector("[data-testid=status]")?.textContent === "ready", null, {
    timeout: 60_000,
  });
  loaded = true;
  return {
    page,
    lateRequests,
    async run(files, timeoutMs = 60_000) {
      const paths = files.filter((f) => typeof f === "string");
      const buffers = files.flatMap((f) =>
        typeof f === "string" ? [] : [{ name: f.name, mimeType: "application/octet-stream", buffer: f.buffer }],
      );
      if (paths.length > 0 && buffers.length > 0) throw new Error("give files either all as paths or all as bytes");
      await page.setInputFiles("input[type=file][data-testid=model-input]", paths.length > 0 ? paths : buffers);
      return outcome(page, timeoutMs);
    },
    async drop(files, timeoutMs = 60_000) {
      const list = files.map((f) => ({ name: f.name, bytes: [...f.buffer] }));
      const data = await page.evaluateHandle((fs) => {
        const dt = new DataTransfer();
        for (const f of fs) dt.items.add(new File([new Uint8Array(f.bytes)], f.name));
        return dt;
      }, list);
      await page.dispatchEvent("#drop", "drop", { dataTransfer: data });
      return outcome(page, timeoutMs);
    },
    close: () => browser.close(),
  };
}

/** Waits for the page's status to end (`done` or `error: ...`), then reads the report and fetches the download. */
async function outcome(page: Page, timeoutMs: number): Promise<PageRun> {
  await page.waitForFunction(
    () => /^(done|error: .*)$/s.test(document.querySelector("[data-testid=status]")?.textContent ?? ""),
    null,
    { timeout: timeoutMs },
  );
  const text = (await page.locator("[data-testid=status]").textContent()) ?? "";
  const report = (await page.locator("[data-testid=report]").textContent()) ?? "";
  const link = page.locator("[data-testid=download]");
  const name = await link.getAttribute("download");
  if (name === null) return { status: text, report };
  const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
  const bytes = await readFile(await download.path());
  return { status: text, report, download: { name, bytes } };
}
