import { checkDigit, digitalLink, gs1, gs1Date, gtin14, sgln, ssccLink } from './gs1.helpers';
import {
  province,
  provinceCode,
  quantity,
  taxCode,
  text,
  uom,
  vnDate,
  vnDateTime,
  vnNumber,
} from './vn-text.helpers';

export type HelperFunction = (...args: unknown[]) => unknown;

/**
 * A one-value helper applied to a path that yields several values (`$vnDate(loHang.ngaySanXuat)`)
 * maps over them, as JSONata's own string functions do with `.` steps: authors need not write
 * `loHang.$vnDate(ngaySanXuat)` to avoid a "sequence given" error.
 */
function each(fn: (value: unknown, ...rest: unknown[]) => unknown): HelperFunction {
  const mapped = (value: unknown, ...rest: unknown[]): unknown =>
    Array.isArray(value) ? value.map((v) => mapped(v, ...rest)) : fn(value, ...rest);
  return mapped;
}

/**
 * Every `$helper` a mapping may call, by its JSONata name. docs/mapping-guide.md documents each
 * with an example; keep the two in step (a test checks every name appears there).
 */
export const MAPPING_HELPERS: Readonly<Record<string, HelperFunction>> = {
  gs1: each(gs1),
  gtin14: each(gtin14),
  digitalLink: (g, lot, serial) => digitalLink(g, lot, serial),
  sgln: (g, ext) => sgln(g, ext),
  sscc: each(ssccLink),
  checkDigit: each(checkDigit),
  gs1Date: each(gs1Date),
  uom: each(uom),
  quantity: each(quantity),
  number: each(vnNumber),
  vnDate: each(vnDate),
  vnDateTime: each(vnDateTime),
  province: each(province),
  provinceCode: each(provinceCode),
  taxCode: each(taxCode),
  text: each(text),
};
