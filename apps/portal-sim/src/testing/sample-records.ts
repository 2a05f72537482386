import { recordKey, type RecordKind, withCheckDigit } from '@txng/national-model';

/**
 * Well-formed national-model records for the simulator's tests, the client's tests and the
 * benchmark. Every builder returns a record the portal accepts as version 1; tests spoil a copy
 * to reach each refusal.
 */
export interface SampleRecord {
  kind: RecordKind;
  key: string;
  version: number;
  data: Record<string, unknown>;
}

export function sample(kind: RecordKind, data: Record<string, unknown>, version = 1): SampleRecord {
  const key = recordKey(kind, data);
  if (key === undefined) throw new Error(`sample ${kind} has no key`);
  return { kind, key, version, data };
}

/** An organization with a distinct, valid tax code per `n`. */
export function organization(
  n: number,
  provinceCode = '92',
  extra: Record<string, unknown> = {},
): SampleRecord {
  return sample('organization', {
    taxCode: `03${String(n).padStart(8, '0')}`,
    name: `Hợp tác xã Số ${n}`,
    provinceCode,
    ...extra,
  });
}

/** A GTIN-14 under a registered prefix, item reference `item`. */
export function gtinUnder(prefix: string, item: number): string {
  const body = prefix + String(item).padStart(12 - prefix.length, '0');
  return '0' + withCheckDigit(body);
}

/** A product under prefix 8935049, registered to tax code 0301234567. */
export function product(item: number, extra: Record<string, unknown> = {}): SampleRecord {
  return sample('product', {
    gtin: gtinUnder('8935049', item),
    name: `Gạo ST25 túi ${item} kg`,
    ownerTaxCode: '0301234567',
    netContent: { value: 5, uom: 'KGM' },
    ...extra,
  });
}

export function event(serial: string): SampleRecord {
  return sample('event', {
    type: 'ObjectEvent',
    eventTime: '2025-07-31T08:00:00+07:00',
    eventTimeZoneOffset: '+07:00',
    epcList: [`https://id.gs1.org/01/08935049500018/21/${serial}`],
    action: 'ADD',
    bizStep: 'commissioning',
    disposition: 'active',
    readPoint: { id: 'https://id.gs1.org/414/8935049000006' },
  });
}
