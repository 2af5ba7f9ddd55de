// Test-only: the console that vitest provides (src has no such global: "types": []).
declare const console: { log(...args: unknown[]): void };
