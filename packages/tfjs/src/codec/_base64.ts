// GraphDef JSON carries `bytes` attributes (padding, data_format, fused_ops)
// as base64. `atob`/`btoa` are not in lib ES2022 and work on Latin-1 strings:
// a small codec over bytes keeps src browser-safe and exact.
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const INDEX = new Map([...ALPHABET].map((c, i) => [c, i] as const));

/** Encodes bytes as standard base64 with `=` padding. */
export function encodeBase64(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i]!;
    const b = bytes[i + 1];
    const c = bytes[i + 2];
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    out += ALPHABET[(n >> 18) & 63]! + ALPHABET[(n >> 12) & 63]!;
    out += b === undefined ? "=" : ALPHABET[(n >> 6) & 63]!;
    out += c === undefined ? "=" : ALPHABET[n & 63]!;
  }
  return out;
}

/**
 * Decodes standard or URL-safe base64 (padding optional, whitespace
 * ignored); undefined when the text is not base64.
 */
export function decodeBase64(text: string): Uint8Array | undefined {
  const clean = text.replace(/\s+/g, "").replace(/=+$/, "").replace(/-/g, "+").replace(/_/g, "/");
  if (clean.length % 4 === 1) return undefined;
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let acc = 0;
  let o = 0;
  for (const ch of clean) {
    const v = INDEX.get(ch);
    if (v === undefined) return undefined;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

// Decoded short texts: a graph repeats a few (`padding`, `data_format`, `fused_ops`) on every
// node, and a graph view reads them several times. Bounded, so odd inputs cannot grow it.
const TEXTS = new Map<string, string | undefined>();
const TEXTS_MAX = 1024;
const TEXT_MAX_LENGTH = 64;

/** A base64 attribute holding ASCII text (`VkFMSUQ=` -> `VALID`). */
export function base64Text(text: string): string | undefined {
  if (TEXTS.has(text)) return TEXTS.get(text);
  const bytes = decodeBase64(text);
  // Byte by byte: spreading a long attribute's bytes as arguments would overflow the stack.
  const out = bytes === undefined ? undefined : Array.from(bytes, (b) => String.fromCharCode(b)).join("");
  if (text.length <= TEXT_MAX_LENGTH && TEXTS.size < TEXTS_MAX) TEXTS.set(text, out);
  return out;
}

/** ASCII text as base64 (`VALID` -> `VkFMSUQ=`). */
export function textBase64(text: string): string {
  return encodeBase64(Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff));
}
