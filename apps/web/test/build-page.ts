import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The app's folder. */
export const appRoot = fileURLToPath(new URL("..", import.meta.url));

/** Builds the page (`vite build` into `dist/`) the way `pnpm build` does; returns the `dist` folder. */
export function buildPage(): string {
  execFileSync("pnpm", ["exec", "vite", "build", "--logLevel", "warn"], { cwd: appRoot, stdio: "pipe" });
  return `${appRoot}dist`;
}
