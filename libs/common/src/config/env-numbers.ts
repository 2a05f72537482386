/** A problem with one variable, as the hub's configuration collects them (ConfigError lists them all). */
export interface ConfigProblem {
  variable: string;
  message: string;
}

type Env = Record<string, string | undefined>;

/**
 * A whole-number variable within [min, max]. Unset or blank gives `fallback`; anything else that is
 * not such a number is a problem naming the variable (and gives `fallback`, so reading goes on and
 * every problem is told at once).
 */
export function readWholeNumber(
  env: Env,
  problems: ConfigProblem[],
  variable: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = env[variable]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    problems.push({ variable, message: `must be a whole number from ${min} to ${max} (got "${raw}")` });
    return fallback;
  }
  return value;
}

/** The fields of T that hold a number. */
type NumberField<T> = { [K in keyof T]: T[K] extends number ? K : never }[keyof T];

/** One row of a table of whole-number variables: the field, its variable, smallest and largest value. */
export type WholeNumberVariable<T> = readonly [
  field: NumberField<T>,
  variable: string,
  min: number,
  max: number,
];

/** A copy of `defaults` with each listed field read from its variable by readWholeNumber. */
export function readWholeNumbers<T extends object>(
  env: Env,
  problems: ConfigProblem[],
  defaults: Readonly<T>,
  variables: ReadonlyArray<WholeNumberVariable<T>>,
): T {
  const options = { ...defaults } as T;
  for (const [field, variable, min, max] of variables) {
    (options[field] as number) = readWholeNumber(env, problems, variable, options[field] as number, min, max);
  }
  return options;
}
