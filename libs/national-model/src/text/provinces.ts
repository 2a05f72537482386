import provincesData from '../data/provinces-2025.json';
import { matchKey } from './vietnamese-text';

export interface Province {
  code: string;
  name: string;
}

export interface LegacyProvince extends Province {
  /** Code of the province (in force since 2025-07-01) it merged into. */
  mergedInto: string;
}

interface ProvincesFile {
  effectiveFrom: string;
  current: Province[];
  legacy: LegacyProvince[];
}

const data = provincesData as ProvincesFile;
const current = new Map(data.current.map((p) => [p.code, p]));
const legacy = new Map(data.legacy.map((p) => [p.code, p]));

export const PROVINCES_EFFECTIVE_FROM = data.effectiveFrom;

/** The 34 provinces in force since 2025-07-01. */
export function currentProvinces(): readonly Province[] {
  return data.current;
}

/** The 63 pre-merger provinces with the code each merged into. */
export function legacyProvinces(): readonly LegacyProvince[] {
  return data.legacy;
}

export function isCurrentProvinceCode(code: string): boolean {
  return current.has(code);
}

/** Name of a current province, e.g. "92" → "Thành phố Cần Thơ". */
export function provinceName(code: string): string | undefined {
  return current.get(code)?.name;
}

export function legacyProvinceName(code: string): string | undefined {
  return legacy.get(code)?.name;
}

export type ProvinceResolution =
  | { status: 'current'; provinceCode: string }
  | { status: 'legacy'; provinceCode: string; legacyProvinceCode: string }
  | { status: 'unknown' };

/**
 * Resolves a province code: a current code stands; a code only in the 63-province list maps to
 * the province that absorbed it. Some codes (e.g. 01 Hà Nội) are in both lists with the same
 * meaning; the current list wins, so they are never reported as legacy.
 */
export function resolveProvinceCode(code: string): ProvinceResolution {
  if (current.has(code)) return { status: 'current', provinceCode: code };
  const old = legacy.get(code);
  if (old) return { status: 'legacy', provinceCode: old.mergedInto, legacyProvinceCode: code };
  return { status: 'unknown' };
}

/** Finds a current province by name, ignoring case, diacritics and the "Tỉnh"/"Thành phố" prefix. */
export function findProvinceByName(name: string): Province | undefined {
  const strip = (s: string) => matchKey(s).replace(/^(tinh|thanh pho|tp\.?)\s+/, '');
  const key = strip(name);
  return data.current.find((p) => strip(p.name) === key);
}
