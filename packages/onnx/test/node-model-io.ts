/// <reference types="node" />
// A small Node ModelInput / ModelOutput over real files, for tests (the CLI
// has its own, with staging and path confinement).
import { mkdirSync, openSync, closeSync, readSync, fstatSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { ByteSource, ModelInput, ModelOutput } from "@reparam/core";

function fileSource(path: string): ByteSource {
  const fd = openSync(path, "r");
  const size = fstatSync(fd).size;
  closeSync(fd);
  return {
    size,
    read(offset, length) {
      const bytes = new Uint8Array(length);
      const f = openSync(path, "r");
      try {
        const n = readSync(f, bytes, 0, length, offset);
        return n === length
          ? Promise.resolve(bytes)
          : Promise.reject(new RangeError(`read ${offset}+${length} past end ${size}`));
      } finally {
        closeSync(f);
      }
    },
  };
}

/** The model file at `path`; siblings open relative to its folder (the adapter has checked the name). */
export function nodeModelInput(path: string): ModelInput & { readonly opened: string[] } {
  const opened: string[] = [];
  return {
    name: basename(path),
    main: fileSource(path),
    opened,
    open(rel) {
      opened.push(rel);
      return Promise.resolve(fileSource(join(dirname(path), rel)));
    },
  };
}

/** Writes `name` and its side files into `folder` (each file written whole on close). */
export function nodeModelOutput(folder: string, name: string): ModelOutput & { readonly created: string[] } {
  const created: string[] = [];
  return {
    name,
    created,
    create(rel) {
      created.push(rel);
      const chunks: Uint8Array[] = [];
      return Promise.resolve({
        write: (c: Uint8Array) => Promise.resolve(void chunks.push(c.slice())),
        close: () => {
          mkdirSync(dirname(join(folder, rel)), { recursive: true });
          writeFileSync(join(folder, rel), Buffer.concat(chunks));
          return Promise.resolve();
        },
      });
    },
  };
}
