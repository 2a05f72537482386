import { matchKey } from '../text/vietnamese-text';

/** The UN/ECE Recommendation 20 codes traceability records use, with an English name. */
export const REC20_UNITS: Readonly<Record<string, string>> = {
  KGM: 'kilogram',
  GRM: 'gram',
  MGM: 'milligram',
  TNE: 'tonne (metric ton)',
  DTN: 'decitonne (100 kg)',
  LTR: 'litre',
  MLT: 'millilitre',
  CLT: 'centilitre',
  DLT: 'decilitre',
  MTQ: 'cubic metre',
  MTR: 'metre',
  CMT: 'centimetre',
  MMT: 'millimetre',
  MTK: 'square metre',
  HAR: 'hectare',
  H87: 'piece',
  C62: 'one (unit)',
  EA: 'each',
  NAR: 'number of articles',
  PR: 'pair',
  DZN: 'dozen',
  SET: 'set',
  BX: 'box',
  CT: 'carton',
  BG: 'bag',
  SA: 'sack',
  PK: 'pack',
  PA: 'packet',
  BO: 'bottle',
  CA: 'can',
  TU: 'tube',
  JR: 'jar',
  TN: 'tin',
  CR: 'crate',
  BE: 'bundle',
  XBX: 'box (package code)',
  XCT: 'carton (package code)',
  XBG: 'bag (package code)',
  XPK: 'package (package code)',
  XBO: 'bottle (package code)',
  XCA: 'can (package code)',
  XPX: 'pallet (package code)',
  TRAY: 'tray',
  CEL: 'degree Celsius',
  P1: 'percent',
  KWH: 'kilowatt hour',
};

/**
 * Free-text units provincial systems send, keyed by matchKey (so case and diacritics do not
 * matter: "Kg", "KG", "kí" and "ki" are one entry). Deliberately absent: "tạ" (100 kg) and
 * "yến" (10 kg) — Rec 20 has DTN for 100 kg but no 10 kg unit, and rewriting a quantity's value
 * would change what the province said; both stay unmapped so validation reports UOM_UNKNOWN and
 * the mapping converts them explicitly (see docs/national-model.md). "cân" is left unmapped too:
 * colloquially 1 kg in the north, historically 0.6 kg ("cân ta"), and its match key "can" would
 * collide with the English "can".
 */
const FREE_TEXT: Record<string, string> = {};
const add = (code: string, ...names: string[]) => {
  for (const n of names) FREE_TEXT[matchKey(n)] = code;
};
add(
  'KGM',
  'kg',
  'kgs',
  'kilogam',
  'ki-lô-gam',
  'kilô-gam',
  'kilogram',
  'kilograms',
  'kí',
  'ký',
  'kí lô',
  'ký lô',
  'kilo',
  'cân tây',
);
add('GRM', 'g', 'gr', 'gam', 'gram', 'grams', 'gờ-ram');
add('MGM', 'mg', 'miligam', 'milligram');
add('TNE', 't', 'tấn', 'tonne', 'ton', 'mt');
add('LTR', 'l', 'lít', 'litre', 'liter', 'ltr');
add('MLT', 'ml', 'mililít', 'millilitre', 'milliliter', 'cc');
add('CLT', 'cl', 'centilít');
add('MTQ', 'm3', 'm³', 'khối', 'mét khối');
add('MTK', 'm2', 'm²', 'mét vuông');
add('HAR', 'ha', 'héc-ta', 'hecta');
add('MTR', 'm', 'mét');
add(
  'H87',
  'cái',
  'chiếc',
  'con',
  'quả',
  'trái',
  'củ',
  'cây',
  'bó',
  'piece',
  'pcs',
  'pc',
  'đơn vị',
  'sản phẩm',
  'sp',
);
// Not "tá" (a dozen): its match key "ta" is also "tạ" (100 kg), a costly mix-up.
add('DZN', 'dozen', 'chục');
add('PR', 'đôi', 'cặp', 'pair');
add('BX', 'hộp', 'box', 'hop');
add('CT', 'thùng', 'carton', 'ctn', 'két');
add('BG', 'bao', 'túi', 'bag');
add('SA', 'bao tải', 'sack');
add('PK', 'gói', 'pack', 'bịch');
add('BO', 'chai', 'bình', 'bottle');
add('CA', 'lon'); // not English "can": its match key equals Vietnamese "cân"
add('JR', 'hũ', 'lọ', 'jar');
add('TU', 'tuýp', 'tube');
add('XPX', 'pallet', 'pa-lét');
add('TRAY', 'khay', 'vỉ');

// "chục" is 10 in everyday Vietnamese (and 12 or 14 for some fruit sellers) while DZN is 12:
// dropped rather than silently mislabel a quantity.
delete FREE_TEXT[matchKey('chục')];

/** True when `code` is in the Rec 20 table above. */
export function isRec20Unit(code: string): boolean {
  return Object.prototype.hasOwnProperty.call(REC20_UNITS, code);
}

/**
 * Maps a unit as a province wrote it to its Rec 20 code: a Rec 20 code (any case) is kept, a
 * known free-text unit is translated, anything else gives undefined.
 */
export function toRec20Unit(unit: string): string | undefined {
  const trimmed = unit.normalize('NFC').trim();
  if (isRec20Unit(trimmed)) return trimmed;
  const upper = trimmed.toUpperCase();
  // Lower-case "kgm", "ltr" are Rec 20 codes typed carelessly; "t", "l" and "g" are not codes.
  if (
    upper.length >= 2 &&
    isRec20Unit(upper) &&
    !['CA', 'BO', 'PR', 'PA', 'EA', 'BE', 'TN', 'TU', 'JR', 'SA'].includes(upper)
  )
    return upper;
  return FREE_TEXT[matchKey(trimmed)];
}
