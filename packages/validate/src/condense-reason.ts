import { isRuntimeMissing } from "./import-runtime.js";

/**
 * One line from a runtime's error: onnxruntime's source location prefix
 * (`/onnxruntime_src/...cc:136 fn::<lambda()> cond was false.`) dropped,
 * "no GPU adapter" said first when that is what it means; a runtime package
 * that is not installed says so with the command that installs it.
 */
export function condenseReason(error: unknown): string {
  if (isRuntimeMissing(error)) return `not installed (${error.hint})`;
  let text = error instanceof Error ? error.message : String(error);
  text = text.replace(/\s+/g, " ").trim();
  const ort = /^\/?\S*onnxruntime\S*\.cc:\d+ .*? was false\. (.*)$/.exec(text);
  if (ort !== null) text = ort[1]!;
  if (/adapter/i.test(text) && !/no GPU adapter/.test(text)) text = `no GPU adapter: ${text}`;
  return text.length > 400 ? `${text.slice(0, 400)}...` : text;
}
