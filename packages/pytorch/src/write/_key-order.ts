/**
 * The order of the written state dict: every key kept where it was; each
 * new (deploy) key `<block>.<module>.<param>` where its block's first key
 * was, weight before bias; ties otherwise in the writer's order.
 */
export function keyOrder(original: readonly string[], written: readonly string[]): string[] {
  const index = new Map(original.map((k, i) => [k, i]));
  const blockStart = (name: string): number => {
    const parts = name.split(".");
    const prefix = parts.length > 2 ? `${parts.slice(0, -2).join(".")}.` : "";
    const i = original.findIndex((k) => k.startsWith(prefix));
    return i < 0 ? original.length : i - 0.5;
  };
  return written
    .map((name, i) => ({ name, i, at: index.get(name) ?? blockStart(name) }))
    .sort((a, b) => a.at - b.at || Number(b.name.endsWith(".weight")) - Number(a.name.endsWith(".weight")) || a.i - b.i)
    .map((e) => e.name);
}
