/** Small measuring helpers shared by the benchmarks. */

/** The p-th percentile (nearest rank) of an ascending list. */
export const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

export const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
