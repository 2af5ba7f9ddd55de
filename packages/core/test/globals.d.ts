// Test-only: the console that vitest provides (src has no such global: "types": []).
declare const console: { log(...args: unknown[]): void };
// Vite's ?raw imports: a file's text (the README test quotes the README).
declare module "*?raw" {
  const text: string;
  export default text;
}
