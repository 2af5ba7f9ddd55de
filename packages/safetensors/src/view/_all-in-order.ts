/**
 * Awaits every promise (all in flight together), then returns their values;
 * when some fail, throws the failure of the first in array order, so that
 * the error a caller sees does not depend on which read finished first.
 */
export async function allInOrder<T>(promises: readonly Promise<T>[]): Promise<T[]> {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed !== undefined) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
}
