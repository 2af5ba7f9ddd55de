/**
 * Runs `task` on every item with at most `jobs` running at once, starting
 * them in list order; resolves with the results in list order. `task` must
 * not reject (a batch records each item's failure in its result instead).
 *
 * @param items - the work, in the order to start it.
 * @param jobs - the concurrency limit (at least 1).
 * @param task - the work for one item and its index.
 */
export async function runPool<T, R>(
  items: readonly T[],
  jobs: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, items.length)) }, worker));
  return results;
}
