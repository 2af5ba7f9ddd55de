import type { ModelInput, ModelOutput } from "./adapter.js";
import { bytesSource, collectSink } from "./byte-source.js";

/**
 * A {@link ModelInput} over bytes in memory (a browser's `File` contents, a
 * test fixture): `main` is the file called `name`, `files` the ones beside it.
 */
export function memoryInput(
  name: string,
  main: Uint8Array,
  files: Readonly<Record<string, Uint8Array>> = {},
): ModelInput {
  return {
    name,
    main: bytesSource(main),
    open: (path) => {
      const bytes = Object.hasOwn(files, path) ? files[path] : undefined;
      return bytes === undefined ? Promise.reject(new Error(`no file '${path}'`)) : Promise.resolve(bytesSource(bytes));
    },
  };
}

/** What {@link memoryOutput} adds to a {@link ModelOutput}. */
export interface MemoryOutput extends ModelOutput {
  /** Each closed file's bytes, by path. */
  readonly files: Map<string, Uint8Array>;
  /** Every `create` call in order (closed or not). */
  readonly created: string[];
}

/** A {@link ModelOutput} that keeps in memory what is written: a file appears in `files` when it is closed. */
export function memoryOutput(name: string): MemoryOutput {
  const files = new Map<string, Uint8Array>();
  const created: string[] = [];
  return {
    name,
    files,
    created,
    create(path) {
      created.push(path);
      const sink = collectSink();
      return Promise.resolve({
        write: (chunk: Uint8Array) => sink.write(chunk),
        close: () => Promise.resolve(void files.set(path, sink.bytes())),
      });
    },
  };
}
