// TextDecoder/TextEncoder exist in every browser and in Node, but with
// `"types": []` and lib ES2022 the compiler does not know them: describe the
// little we use here instead of pulling in the DOM lib.
interface Utf8Decoder {
  decode(bytes: Uint8Array): string;
}
interface Utf8Encoder {
  encode(text: string): Uint8Array;
}
interface Utf8Codecs {
  TextDecoder: new (label: "utf-8", options: { fatal: boolean; ignoreBOM: boolean }) => Utf8Decoder;
  TextEncoder: new () => Utf8Encoder;
}

const codecs = globalThis as unknown as Utf8Codecs;

/** Decodes UTF-8, throwing a `TypeError` on invalid bytes; strips a leading BOM. */
export function decodeUtf8(bytes: Uint8Array): string {
  return new codecs.TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
}

/** Encodes a string as UTF-8. */
export function encodeUtf8(text: string): Uint8Array {
  return new codecs.TextEncoder().encode(text);
}
