import { digitalLinkToPairs } from '../carriers/digital-link';
import { epcUrnToDigitalLink } from '../carriers/epc-urn';
import {
  CBV_BIZ_STEPS,
  CBV_BIZ_TRANSACTION_TYPES,
  CBV_DISPOSITIONS,
  CBV_ERROR_REASONS,
  CBV_SOURCE_DESTINATION_TYPES,
  type CbvVocabulary,
  cbvWordOf,
  isAbsoluteUri,
} from './cbv-vocabulary';
import {
  FindingList,
  type Obj,
  checkGln,
  checkGlnExtension,
  checkGtin,
  checkLot,
  checkSerial,
  checkSscc,
  checkUom,
  isBlank,
  isObj,
  isPositiveFinite,
} from './field-checks';
import { type ValidationOptions, show } from './finding';
import { EPCIS_EVENT_TYPES, isEpcisEventType } from '../records/epcis-fields';

const ACTIONS = ['ADD', 'OBSERVE', 'DELETE'];
export const TIME_ZONE_OFFSET = /^[+-]((0\d|1[0-3]):[0-5]\d|14:00)$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;

const nonEmptyList = (v: unknown) => Array.isArray(v) && v.length > 0;

/**
 * EPC schemes with no GS1 Digital Link form (TDS 2.x §6.3): container codes (BIC), IMO vessel
 * numbers, the General Identifier (GID: manager, class and serial as decimal integers) and the US
 * Department of Defense's USDOD and ADI (CAGE or DoDAAC code, then part number and serial).
 */
const OTHER_EPC_SCHEMES: readonly RegExp[] = [
  /^urn:epc:id:bic:[A-Z]{3}[JUZ]\d{7}$/,
  /^urn:epc:id:imovn:\d{7}$/,
  /^urn:epc:id:gid:(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/,
  /^urn:epc:id:usdod:[0-9A-Z]{5,6}\.(0|[1-9]\d*)$/,
  /^urn:epc:id:adi:[0-9A-Z]{5,6}\.([0-9A-Z-]|%2F)*\.(%23)?([0-9A-Z-]|%2F)+$/,
];

/** Checks a GS1 identifier inside an event (EPC URN or Digital Link); other URIs pass. */
function checkIdentifier(f: FindingList, value: unknown, ...path: Array<string | number>): void {
  if (typeof value !== 'string' || value.trim() === '') {
    f.add('EVENT_SHAPE', `identifier ${show(value)} must be a non-empty URI`, ...path);
    return;
  }
  let uri = value;
  if (value.startsWith('urn:epc:')) {
    const dl = epcUrnToDigitalLink(value);
    if (dl === undefined) {
      if (!OTHER_EPC_SCHEMES.some((re) => re.test(value))) {
        f.add(
          'EVENT_SHAPE',
          `EPC URN ${show(value)} is malformed (company prefix + reference must have the scheme's digit count); prefer a GS1 Digital Link URI`,
          ...path,
        );
      }
      return;
    }
    uri = dl;
  }
  if (!/^https?:\/\//i.test(uri)) {
    if (!isAbsoluteUri(uri))
      f.add('EVENT_SHAPE', `identifier ${show(value)} is not an absolute URI`, ...path);
    return;
  }
  const split = digitalLinkToPairs(uri);
  if ('error' in split) return; // a non-GS1 URI (e.g. a company's own) is allowed
  for (const [ai, v] of split.pairs) {
    if (ai === '01') checkGtin(f, v, ...path);
    else if (ai === '00') checkSscc(f, v, ...path);
    else if (ai === '414' || ai === '417') checkGln(f, v, ...path);
    else if (ai === '10') checkLot(f, v, ...path);
    else if (ai === '21') checkSerial(f, v, ...path);
    else if (ai === '254') checkGlnExtension(f, v, ...path);
  }
}

function checkIdList(f: FindingList, r: Obj, field: string): void {
  const v = r[field];
  if (v === undefined) return;
  if (!Array.isArray(v)) {
    f.add('EVENT_SHAPE', `${field} must be an array of identifiers, got ${show(v)}`, field);
    return;
  }
  v.forEach((id, i) => checkIdentifier(f, id, field, i));
}

function checkQuantityList(f: FindingList, r: Obj, field: string): void {
  const v = r[field];
  if (v === undefined) return;
  if (!Array.isArray(v)) {
    f.add('EVENT_SHAPE', `${field} must be an array of {epcClass, quantity, uom}, got ${show(v)}`, field);
    return;
  }
  v.forEach((q, i) => {
    if (!isObj(q))
      return f.add('EVENT_SHAPE', `${field}[${i}] must be an object {epcClass, quantity, uom}`, field, i);
    if (isBlank(q.epcClass))
      f.add('EVENT_SHAPE', `${field}[${i}].epcClass is required`, field, i, 'epcClass');
    else checkIdentifier(f, q.epcClass, field, i, 'epcClass');
    if (q.quantity !== undefined && !isPositiveFinite(q.quantity))
      f.add(
        'QUANTITY_RANGE',
        `quantity ${show(q.quantity)} must be a positive finite number`,
        field,
        i,
        'quantity',
      );
    if (q.uom !== undefined) checkUom(f, q.uom, field, i, 'uom');
  });
}

const VOCABULARIES: Record<CbvVocabulary, ReadonlySet<string>> = {
  bizstep: CBV_BIZ_STEPS,
  disp: CBV_DISPOSITIONS,
  btt: CBV_BIZ_TRANSACTION_TYPES,
  sdt: CBV_SOURCE_DESTINATION_TYPES,
  er: CBV_ERROR_REASONS,
};

/**
 * A CBV value: a CBV word, bare or in one of CBV's URI forms (which must then name a word CBV
 * defines: `urn:epcglobal:cbv:bizstep:shiping` is a misspelling, not a private vocabulary), or
 * an absolute URI of the company's own.
 */
function checkVocabulary(
  f: FindingList,
  value: unknown,
  vocabulary: CbvVocabulary,
  what: string,
  ...path: Array<string | number>
): void {
  const words = VOCABULARIES[vocabulary];
  if (typeof value === 'string') {
    if (words.has(value)) return;
    const word = cbvWordOf(value, vocabulary);
    if (word !== undefined) {
      if (words.has(word)) return;
      f.add(
        'EVENT_SHAPE',
        `${what} ${show(value)} is written as a CBV 2.0 value, but CBV defines no "${word}" (e.g. ${[...words].slice(0, 3).join(', ')}); check the spelling`,
        ...path,
      );
      return;
    }
    if (isAbsoluteUri(value)) return;
  }
  f.add(
    'EVENT_SHAPE',
    `${what} ${show(value)} is neither a CBV 2.0 word (e.g. ${[...words].slice(0, 3).join(', ')}) nor an absolute URI`,
    ...path,
  );
}

function requireOneOf(f: FindingList, r: Obj, fields: string[], why: string): void {
  if (!fields.some((k) => nonEmptyList(r[k]) || (!Array.isArray(r[k]) && !isBlank(r[k])))) {
    f.add('EVENT_SHAPE', `${String(r.type)} ${why}: give ${fields.join(' or ')}`, fields[0]);
  }
}

/** EPCIS 2.0 shape per type and action (EPCIS 2.0 §7.4), identifiers, vocabulary and time. */
export function validateEvent(r: Obj, f: FindingList, options: ValidationOptions): void {
  const type = r.type;
  if (f.required(r, 'type', EPCIS_EVENT_TYPES.join('|')) && !isEpcisEventType(type)) {
    f.add('EVENT_SHAPE', `event type ${show(type)} must be one of ${EPCIS_EVENT_TYPES.join(', ')}`, 'type');
  }
  if (f.required(r, 'eventTime', 'RFC 3339 time with offset')) {
    const t = typeof r.eventTime === 'string' && DATE_TIME.test(r.eventTime) ? Date.parse(r.eventTime) : NaN;
    if (Number.isNaN(t))
      f.add(
        'EVENT_SHAPE',
        `eventTime ${show(r.eventTime)} must be an RFC 3339 time with offset, e.g. 2025-07-01T08:30:00+07:00`,
        'eventTime',
      );
    else if (t - (options.now ?? new Date()).getTime() > FUTURE_TOLERANCE_MS) {
      f.add(
        'EVENT_TIME_FUTURE',
        `eventTime ${String(r.eventTime)} is more than 5 minutes ahead of the hub's clock (${(options.now ?? new Date()).toISOString()}); check the source's clock and time zone`,
        'eventTime',
      );
    }
  }
  if (
    f.required(r, 'eventTimeZoneOffset', 'e.g. +07:00') &&
    (typeof r.eventTimeZoneOffset !== 'string' || !TIME_ZONE_OFFSET.test(r.eventTimeZoneOffset))
  ) {
    f.add(
      'EVENT_SHAPE',
      `eventTimeZoneOffset ${show(r.eventTimeZoneOffset)} must look like +07:00 (from -13:59 to +14:00)`,
      'eventTimeZoneOffset',
    );
  }
  const action = r.action;
  if (type === 'TransformationEvent') {
    if (action !== undefined)
      f.add('EVENT_SHAPE', `a TransformationEvent has no action (got ${show(action)}); remove it`, 'action');
    if (isBlank(r.transformationID)) {
      requireOneOf(f, r, ['inputEPCList', 'inputQuantityList'], 'needs inputs');
      requireOneOf(f, r, ['outputEPCList', 'outputQuantityList'], 'needs outputs');
    }
  } else if (isEpcisEventType(type)) {
    if (f.required(r, 'action', ACTIONS.join('|')) && !ACTIONS.includes(String(action))) {
      f.add('EVENT_SHAPE', `action ${show(action)} must be ADD, OBSERVE or DELETE`, 'action');
    }
    if (type === 'ObjectEvent')
      requireOneOf(f, r, ['epcList', 'quantityList'], 'needs the objects it is about');
    if (type === 'TransactionEvent') {
      requireOneOf(f, r, ['bizTransactionList'], 'needs the business transaction');
      requireOneOf(f, r, ['epcList', 'quantityList', 'parentID'], 'needs the objects it is about');
    }
    if (type === 'AggregationEvent' || type === 'AssociationEvent') {
      if (action !== 'OBSERVE' || type === 'AssociationEvent') {
        if (isBlank(r.parentID))
          f.add('EVENT_SHAPE', `${String(type)} with action ${show(action)} needs parentID`, 'parentID');
      }
      if (action !== 'DELETE')
        requireOneOf(f, r, ['childEPCs', 'childQuantityList'], `with action ${show(action)} needs children`);
    }
  }
  if (!isBlank(r.parentID)) checkIdentifier(f, r.parentID, 'parentID');
  for (const k of ['epcList', 'childEPCs', 'inputEPCList', 'outputEPCList']) checkIdList(f, r, k);
  for (const k of ['quantityList', 'childQuantityList', 'inputQuantityList', 'outputQuantityList'])
    checkQuantityList(f, r, k);
  if (r.bizStep !== undefined) checkVocabulary(f, r.bizStep, 'bizstep', 'bizStep', 'bizStep');
  if (r.disposition !== undefined) checkVocabulary(f, r.disposition, 'disp', 'disposition', 'disposition');
  if (isObj(r.persistentDisposition)) {
    for (const k of ['set', 'unset']) {
      const list = r.persistentDisposition[k];
      if (Array.isArray(list))
        list.forEach((d, i) =>
          checkVocabulary(f, d, 'disp', 'persistent disposition', 'persistentDisposition', k, i),
        );
    }
  }
  for (const k of ['readPoint', 'bizLocation']) {
    const v = r[k];
    if (v === undefined) continue;
    if (!isObj(v) || isBlank(v.id))
      f.add('EVENT_SHAPE', `${k} must be an object with an id, got ${show(v)}`, k);
    else checkIdentifier(f, v.id, k, 'id');
  }
  for (const [list, el] of [
    ['sourceList', 'source'],
    ['destinationList', 'destination'],
    ['bizTransactionList', 'bizTransaction'],
  ] as const) {
    const v = r[list];
    if (v === undefined) continue;
    if (!Array.isArray(v)) {
      f.add('EVENT_SHAPE', `${list} must be an array`, list);
      continue;
    }
    v.forEach((item, i) => {
      if (!isObj(item) || isBlank(item[el])) {
        f.add('EVENT_SHAPE', `${list}[${i}] must be an object with ${el}`, list, i);
        return;
      }
      if (el !== 'bizTransaction') {
        checkIdentifier(f, item[el], list, i, el);
        // EPCIS 2.0 §7.3.5.4: a source or destination always says which kind it is.
        if (isBlank(item.type))
          f.add('EVENT_SHAPE', `${list}[${i}] needs a type (owning_party, possessing_party or location)`, list, i, 'type');
        else checkVocabulary(f, item.type, 'sdt', `${el} type`, list, i, 'type');
      } else if (item.type !== undefined) {
        checkVocabulary(f, item.type, 'btt', 'business transaction type', list, i, 'type');
      }
    });
  }
  // The circular's "production and business stages": each event should say which stage it records.
  if (isEpcisEventType(type) && isBlank(r.bizStep))
    f.warn(
      'CIRCULAR_MINIMUM',
      'Thiếu thông tin tối thiểu theo Thông tư 02/2024/TT-BKHCN: công đoạn sản xuất, kinh doanh (bizStep, ví dụ commissioning, shipping). Bản ghi vẫn được đồng bộ; hãy bổ sung ở hệ thống của tỉnh.',
      'bizStep',
    );
  if (isObj(r.errorDeclaration) && r.errorDeclaration.reason !== undefined)
    checkVocabulary(f, r.errorDeclaration.reason, 'er', 'error reason', 'errorDeclaration', 'reason');
}
