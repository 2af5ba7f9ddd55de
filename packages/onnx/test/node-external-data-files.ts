/// <reference types="node" />
// Reference Node implementation of ExternalDataFiles, for tests; the CLI
// copies this logic. The package has already refused locations that are
// absolute, contain "..", backslashes or colons; what is left to refuse here
// is a symbolic link (anywhere on the path) that resolves outside the folder.
import { open, realpath } from "node:fs/promises";
import { join, sep } from "node:path";
import { ReparamError } from "@reparam/core";
import { checkExternalLocation } from "../src/codec/check-external-location.js";
import type { ExternalDataFiles } from "../src/codec/external-data-files.js";

/**
 * External data files of the model in `folder`: reads `length` bytes at
 * `offset` of `folder/location`, fewer if the file ends first, after
 * checking that the real path of the file (links resolved) is inside the
 * real path of the folder. Throws `ONNX_EXTERNAL_PATH_ESCAPE` for a link
 * leaving the folder and `ONNX_EXTERNAL_MISSING` for a missing or non-regular file.
 */
export function nodeExternalDataFiles(folder: string): ExternalDataFiles {
  return {
    async read(location, offset, length) {
      const relative = checkExternalLocation(location); // again: this is the last line of defence
      const root = await realpath(folder);
      let real: string;
      try {
        real = await realpath(join(root, ...relative.split("/")));
      } catch (cause) {
        throw new ReparamError("ONNX_EXTERNAL_MISSING", "external data file not found", { where: location, cause });
      }
      if (!real.startsWith(root.endsWith(sep) ? root : root + sep)) {
        throw new ReparamError("ONNX_EXTERNAL_PATH_ESCAPE", "external data file resolves outside the model's folder", {
          where: location,
          expected: "a file inside the model's folder",
          found: "a symbolic link leading outside it",
        });
      }
      const file = await open(real, "r");
      try {
        const stat = await file.stat();
        if (!stat.isFile())
          throw new ReparamError("ONNX_EXTERNAL_MISSING", "external data location is not a regular file", {
            where: location,
          });
        const available = Math.max(0, stat.size - offset);
        // Never allocate more than the file holds, whatever length the model claims.
        const bytes = new Uint8Array(length === undefined ? available : Math.min(length, available));
        let done = 0;
        while (done < bytes.byteLength) {
          const { bytesRead } = await file.read(bytes, done, bytes.byteLength - done, offset + done);
          if (bytesRead === 0) break;
          done += bytesRead;
        }
        return bytes.subarray(0, done);
      } finally {
        await file.close();
      }
    },
  };
}
