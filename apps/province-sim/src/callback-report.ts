/*
 * What a provincial system makes of the hub's callbacks (hub-interface.md, "v1 additions"): one
 * line per event, in the words its staff would use. Pure, so the wording is tested without a hub.
 */

/** One record of a receipt as a callback carries it (the receipts API's object). */
interface ReceiptRecord {
  kind?: string;
  key?: string;
  status?: string;
  findings?: Array<{ code?: string }>;
  portal?: { version?: number | null } | null;
  conflict?: { code?: string; otherProvinceCode?: string | null } | null;
}

interface Receipt {
  id?: string;
  webhookId?: string | null;
  status?: string;
  error?: string | null;
  records?: ReceiptRecord[];
}

interface ResolvedConflict {
  code?: string;
  key?: string;
  decision?: string | null;
  note?: string | null;
  side?: 'existing' | 'incoming' | null;
  record?: { kind?: string; status?: string } | null;
  other?: { provinceCode?: string | null } | null;
}

/** A callback body after its signature was verified: `{"type","timestamp","data"}`. */
export interface CallbackBody {
  type: string;
  timestamp?: string;
  data: unknown;
}

/** Record statuses that mean "taken in" (waiting for the portal or already there). */
const ACCEPTED = new Set(['ready', 'synced']);
/** The order in which the other outcomes are told, most telling first. */
const OUTCOMES: Array<[status: string, words: string]> = [
  ['duplicate', 'duplicate'],
  ['quarantined', 'quarantined'],
  ['conflict', 'held in conflict'],
  ['received', 'waiting'],
  ['rejected', 'rejected'],
  ['failed', 'failed'],
];

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** "GTIN_FORMAT ×2, TAX_CODE_CHECK_DIGIT": how often each code occurs, most frequent first. */
function tally(codes: string[]): string {
  const counts = new Map<string, number>();
  for (const code of codes) counts.set(code, (counts.get(code) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([code, n]) => (n === 1 ? code : `${code} ×${n}`))
    .join(', ');
}

/** "receipt 3f2a1b9c (msg_demo_2025_can-tho-nong-san_3)": short id, and the province's own message id. */
function receiptName(receipt: Receipt): string {
  const id = String(receipt.id ?? '?').slice(0, 8);
  return `receipt ${id}${receipt.webhookId ? ` (${receipt.webhookId})` : ''}`;
}

const codesOf = (r: ReceiptRecord): string[] => [...new Set((r.findings ?? []).map((f) => String(f.code)))];

/**
 * Why a quarantined record was held back. A receipt's findings do not say which are warnings; a code
 * that an accepted record carried (in this receipt or one told before: `harmless`) held nothing
 * back, so it is left out (the catalogue's TAX_CODE_CHECK_DIGIT, say). When that leaves nothing,
 * every code is told.
 */
function reasons(record: ReceiptRecord, harmless: ReadonlySet<string>): string[] {
  const codes = codesOf(record);
  const blocking = codes.filter((c) => !harmless.has(c));
  return blocking.length > 0 ? blocking : codes;
}

function processed(receipt: Receipt, harmless: Set<string>): string {
  if (receipt.status === 'failed')
    return `${receiptName(receipt)} could not be read: ${receipt.error ?? 'no reason given'}`;
  const records = receipt.records ?? [];
  const accepted = records.filter((r) => ACCEPTED.has(r.status ?? ''));
  for (const code of accepted.flatMap(codesOf)) harmless.add(code);
  const parts = [`${accepted.length} accepted`];
  for (const [status, words] of OUTCOMES) {
    const these = records.filter((r) => r.status === status);
    if (these.length === 0) continue;
    let codes: string[] = [];
    if (status === 'quarantined') codes = these.flatMap((r) => reasons(r, harmless));
    if (status === 'conflict')
      codes = these.map(
        (r) =>
          `${r.conflict?.code ?? '?'}${r.conflict?.otherProvinceCode ? ` with province ${r.conflict.otherProvinceCode}` : ''}`,
      );
    parts.push(`${these.length} ${words}${codes.length > 0 ? ` (${tally(codes)})` : ''}`);
  }
  const others = new Map<string, number>();
  for (const r of records) {
    const status = String(r.status);
    if (!ACCEPTED.has(status) && !OUTCOMES.some(([s]) => s === status))
      others.set(status, (others.get(status) ?? 0) + 1);
  }
  for (const [status, n] of others) parts.push(`${n} ${status}`);
  return `${receiptName(receipt)} processed: ${parts.join(', ')}`;
}

function synced(receipt: Receipt): string {
  const records = receipt.records ?? [];
  const atPortal = records.filter((r) => r.portal && ACCEPTED.has(r.status ?? '')).length;
  // A duplicate's portal version is that of the record it repeats, sent before.
  const already = records.filter((r) => r.portal && r.status === 'duplicate').length;
  return (
    `${receiptName(receipt)} synced: ${plural(atPortal, 'record')} at the National Portal` +
    (already > 0 ? ` (and ${plural(already, 'duplicate')} already there)` : '')
  );
}

function resolved(conflict: ResolvedConflict): string {
  const record = conflict.record;
  const ours = record
    ? `; our ${[conflict.side, record.kind ?? 'record'].filter(Boolean).join(' ')} is now ${record.status ?? '?'}`
    : '';
  const other = conflict.other?.provinceCode ? ` with province ${conflict.other.provinceCode}` : '';
  const note = conflict.note ? ` ("${conflict.note}")` : '';
  return `conflict ${conflict.code ?? '?'} on ${conflict.key ?? '?'}${other} resolved: ${conflict.decision ?? '?'}${note}${ours}`;
}

/**
 * The line a verified callback is reported with, prefixed with the province's name. `warnings`
 * keeps, across calls, the finding codes seen on accepted records (see `reasons`).
 */
export function describeCallback(
  province: string,
  body: CallbackBody,
  warnings: Set<string> = new Set(),
): string {
  const data = (body.data ?? {}) as Record<string, unknown>;
  switch (body.type) {
    case 'receipt.processed':
      return `${province}: ${processed(data, warnings)}`;
    case 'receipt.synced':
      return `${province}: ${synced(data)}`;
    case 'conflict.resolved':
      return `${province}: ${resolved(data)}`;
    default:
      return `${province}: a callback of a kind this system does not know (${body.type}), acknowledged`;
  }
}
