/**
 * Which provinces a caller may see (hub-interface.md, "v1 additions"): null for the whole country
 * (a token without `provinces`), else the province codes of a province-scoped token. Every read
 * model that answers a province token takes it and filters in SQL, so another province's item is
 * never read, not merely hidden afterwards.
 */
export type ProvinceScope = readonly string[] | null;

/** The whole country: the Center's tokens and the hub's own processes. */
export const NATIONAL: ProvinceScope = null;

/** The scope as a SQL parameter: `($n::text[] IS NULL OR province_code = ANY($n::text[]))`. */
export function scopeParam(scope: ProvinceScope): string[] | null {
  return scope === null ? null : [...scope];
}

/** Whether a province lies inside the scope. */
export function inScope(scope: ProvinceScope, provinceCode: string | null | undefined): boolean {
  return scope === null || (provinceCode != null && scope.includes(provinceCode));
}

/**
 * SQL: the row's source (`column`, a source key) is of a province in the scope given as parameter
 * `$n` (text[]; null for the whole country).
 */
export function sourceInScope(column: string, n: number): string {
  return `($${n}::text[] IS NULL OR EXISTS (SELECT 1 FROM source sc WHERE sc.key = ${column} AND sc.province_code = ANY($${n}::text[])))`;
}
