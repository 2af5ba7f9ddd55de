import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, sep } from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".css": "text/css",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".png": "image/png",
};

/** A static file server for `root` on 127.0.0.1 at a random port; every request it answers is listed in `served`. */
export interface StaticServer {
  readonly url: string;
  readonly served: string[];
  close(): Promise<void>;
}

/** Serves `root` (a built `dist/`) on 127.0.0.1, a free port; GET only, nothing outside `root`. */
export async function serveStatic(root: string): Promise<StaticServer> {
  const served: string[] = [];
  const server: Server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    served.push(path);
    const file = normalize(join(root, path.endsWith("/") ? `${path}index.html` : path));
    const info = await stat(file).catch(() => undefined);
    if (req.method !== "GET" || !file.startsWith(root + sep) || info === undefined || !info.isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      "content-type": TYPES[extname(file)] ?? "application/octet-stream",
      "content-length": info.size,
    });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    served,
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}
