/** A command-line mistake: the command prints it with its usage and exits 2 (an empty message: help). */
export class UsageError extends Error {}

/** A numeric option's value; a UsageError naming the flag and its range when it is not one in range. */
export function numberOption(flag: string, raw: string | undefined, min: number, max: number): number {
  const value = Number(raw);
  if (raw === undefined || raw === '' || !Number.isFinite(value) || value < min || value > max)
    throw new UsageError(`${flag} must be a number from ${min} to ${max} (got ${raw ?? 'nothing'})`);
  return value;
}
