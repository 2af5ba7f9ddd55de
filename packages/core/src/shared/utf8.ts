// TextDecoder/TextEncoder exist in every browser and in Node, but core
// compiles with `lib: ES2022` and `"types": []`; reach them through
// globalThis with the few members used, so no global is redeclared.
interface Utf8DecoderLike {
  decode(input: Uint8Array): string;
}
interface Utf8EncoderLike {
  encode(input: string): Uint8Array;
}
interface TextCodecGlobals {
  TextDecoder: new (label: string, options: { fatal: boolean; ignoreBOM: boolean }) => Utf8DecoderLike;
  TextEncoder: new () => Utf8EncoderLike;
}

const codecs = globalThis as unknown as TextCodecGlobals;
// ignoreBOM keeps a leading U+FEFF in the text, so that strict JSON rejects it.
const keepBomDecoder = new codecs.TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const stripBomDecoder = new codecs.TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
const encoder = new codecs.TextEncoder();

/**
 * Decodes UTF-8, or returns undefined when the bytes are not valid UTF-8.
 * A leading BOM is kept as U+FEFF (so that strict JSON parsing rejects it).
 */
export function decodeUtf8Strict(bytes: Uint8Array): string | undefined {
  try {
    return keepBomDecoder.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Decodes UTF-8, throwing a `TypeError` on invalid bytes; strips a leading BOM. */
export function decodeUtf8(bytes: Uint8Array): string {
  return stripBomDecoder.decode(bytes);
}

/** Encodes a string as UTF-8 (a lone surrogate becomes U+FFFD: check {@link isWellFormed} first where that matters). */
export function encodeUtf8(text: string): Uint8Array {
  return encoder.encode(text);
}

// In `u` mode a surrogate pair is one code point, so this matches lone surrogates only.
const loneSurrogate = /[\uD800-\uDFFF]/u;

/** False when `text` has a lone surrogate, which has no UTF-8 form. */
export function isWellFormed(text: string): boolean {
  return !loneSurrogate.test(text);
}

/**
 * Orders strings by Unicode code point, which is the order of their UTF-8
 * bytes (Rust's `String` order, Python's `str` order). JavaScript's `<`
 * compares UTF-16 code units and differs above U+FFFF.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Only a surrogate (0xD800-0xDFFF) against a code unit 0xE000-0xFFFF
    // orders differently: the surrogate stands for a code point > 0xFFFF.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys && Math.max(x, y) >= 0xe000) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}
