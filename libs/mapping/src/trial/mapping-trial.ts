import { canonicalJson, isBlockingFinding, type ValidationPolicy } from '@txng/national-model';
import { type MappingDefinition } from '../engine/compile-mapping';
import { MappingUnavailableError } from '../errors/mapping.errors';
import { parsePayload, type SourceFormat } from '../parsing/parse-payload';
import { type PreviewRecord } from '../preview/envelope-to-records';
import { previewMapping, type PreviewResult } from '../preview/preview-mapping';
import { leafPaths, namesRead, unreadPaths } from './unread-fields';

/** One stored payload to try: a receipt's body and what became of its records. */
export interface TrialPayload {
  receiptId: string;
  body: Buffer;
  /** `kind|key` → the status the hub gave that record of this receipt (ready, quarantined…). */
  stored: Map<string, string>;
}

export type RecordChange = 'changed' | 'appeared' | 'disappeared' | 'fixed' | 'broken';

export interface TrialRecord {
  receiptId: string;
  kind: string;
  key: string | null;
  change: RecordChange;
  /** What the hub made of it (status), when it holds it. */
  storedStatus: string | null;
  liveFindings: string[];
  draftFindings: string[];
}

export interface TrialResult {
  receipts: number;
  /** Receipts whose body (or mapping) failed as a whole, live and draft. */
  failed: { live: number; draft: number };
  records: { live: number; draft: number; unchanged: number };
  counts: Record<RecordChange, number>;
  /** Stored quarantined records of these receipts the draft would make clean. */
  fixesQuarantined: number;
  /** Per finding code: how often the live mapping and the draft raise it. */
  findings: Array<{ code: string; live: number; draft: number }>;
  /** The first `examples` records that differ. */
  changes: TrialRecord[];
  /** Receipts with any difference, or a stored quarantined record the draft fixes (replaying them applies the draft). */
  affectedReceipts: string[];
  /** Payload fields the draft never reads, with how many payloads carry each; null when it may read any. */
  unreadFields: Array<{ path: string; payloads: number }> | null;
  /** Stopped early at the time budget (the rest was not tried). */
  stoppedByTime: boolean;
}

export interface TrialRequest {
  format: SourceFormat;
  live: MappingDefinition | undefined;
  draft: MappingDefinition | undefined;
  payloads: readonly TrialPayload[];
  policy?: ValidationPolicy;
  /** Stop trying more payloads after this long (the answer says so). */
  budgetMs: number;
  examples?: number;
  now?: Date;
}

const codes = (r: PreviewRecord | undefined): string[] =>
  r ? [...new Set(r.findings.filter(isBlockingFinding).map((f) => f.code))].sort() : [];
const blocked = (r: PreviewRecord): boolean => r.findings.some(isBlockingFinding);

/** Records of one run by identity: `kind|key`, or `kind|#n` for the n-th one without a key. */
function byIdentity(result: PreviewResult): Map<string, PreviewRecord> {
  const out = new Map<string, PreviewRecord>();
  const unkeyed = new Map<string, number>();
  for (const r of result.records) {
    if (r.key !== null) out.set(`${r.kind}|${r.key}`, r);
    else {
      const n = unkeyed.get(r.kind) ?? 0;
      unkeyed.set(r.kind, n + 1);
      out.set(`${r.kind}|#${n}`, r);
    }
  }
  return out;
}

/**
 * Runs the mapping in force and a draft over a source's stored payloads, in the mapping sandbox
 * (the preview's path: parse, map, normalise, validate; nothing stored) and tells what would
 * change: records that differ, appear or disappear, records it fixes or breaks, findings by code,
 * and the fields of the payloads the draft never reads.
 */
export async function tryMapping(req: TrialRequest): Promise<TrialResult> {
  const started = Date.now();
  const result: TrialResult = {
    receipts: 0,
    failed: { live: 0, draft: 0 },
    records: { live: 0, draft: 0, unchanged: 0 },
    counts: { changed: 0, appeared: 0, disappeared: 0, fixed: 0, broken: 0 },
    fixesQuarantined: 0,
    findings: [],
    changes: [],
    affectedReceipts: [],
    unreadFields: null,
    stoppedByTime: false,
  };
  const findingCounts = new Map<string, { live: number; draft: number }>();
  const count = (side: 'live' | 'draft', r: PreviewResult): void => {
    for (const code of [...r.findings.map((f) => f.code), ...r.records.flatMap((x) => codes(x))]) {
      const c = findingCounts.get(code) ?? { live: 0, draft: 0 };
      c[side]++;
      findingCounts.set(code, c);
    }
  };
  const read = req.draft ? namesRead(req.draft.expression) : 'all';
  const pathPayloads = new Map<string, number>();
  const examples = req.examples ?? 100;

  for (const payload of req.payloads) {
    if (Date.now() - started > req.budgetMs) {
      result.stoppedByTime = true;
      break;
    }
    const run = (mapping: MappingDefinition | undefined) =>
      previewMapping({ format: req.format, mapping, body: payload.body, policy: req.policy, now: req.now });
    let live: PreviewResult;
    let draft: PreviewResult;
    try {
      live = await run(req.live);
      draft = await run(req.draft);
    } catch (error) {
      // A saturated sandbox: what was tried so far is the answer.
      if (error instanceof MappingUnavailableError) {
        result.stoppedByTime = true;
        break;
      }
      throw error;
    }
    result.receipts++;
    if (live.findings.length > 0) result.failed.live++;
    if (draft.findings.length > 0) result.failed.draft++;
    count('live', live);
    count('draft', draft);
    result.records.live += live.records.length;
    result.records.draft += draft.records.length;

    if (read !== 'all') {
      try {
        for (const path of leafPaths(parsePayload(req.format, payload.body).data)) {
          pathPayloads.set(path, (pathPayloads.get(path) ?? 0) + 1);
        }
      } catch {
        // A body that does not parse has no fields to report.
      }
    }

    const a = byIdentity(live);
    const b = byIdentity(draft);
    let affected = false;
    for (const id of new Set([...a.keys(), ...b.keys()])) {
      const before = a.get(id);
      const after = b.get(id);
      const [kind, key] = id.split('|', 2);
      const stored = key.startsWith('#') ? undefined : payload.stored.get(id);
      let change: RecordChange | null = null;
      if (!before) change = 'appeared';
      else if (!after) change = 'disappeared';
      else if (blocked(before) && !blocked(after)) change = 'fixed';
      else if (!blocked(before) && blocked(after)) change = 'broken';
      else if (
        canonicalJson(before.data) !== canonicalJson(after.data) ||
        codes(before).join() !== codes(after).join()
      )
        change = 'changed';
      // A stored quarantined record the draft reads clean is affected even when live and draft agree
      // (it was quarantined under an older version): replaying its receipt accepts it.
      if (after && !blocked(after) && stored === 'quarantined') {
        result.fixesQuarantined++;
        affected = true;
      }
      if (change === null) {
        result.records.unchanged++;
        continue;
      }
      affected = true;
      result.counts[change]++;
      if (result.changes.length < examples) {
        result.changes.push({
          receiptId: payload.receiptId,
          kind,
          key: key.startsWith('#') ? null : key,
          change,
          storedStatus: stored ?? null,
          liveFindings: codes(before),
          draftFindings: codes(after),
        });
      }
    }
    if (affected || live.findings.length !== draft.findings.length)
      result.affectedReceipts.push(payload.receiptId);
  }

  result.findings = [...findingCounts.entries()]
    .map(([code, c]) => ({ code, ...c }))
    .sort((x, y) => Math.abs(y.draft - y.live) - Math.abs(x.draft - x.live) || x.code.localeCompare(y.code));
  if (read !== 'all') {
    const paths = [...pathPayloads.keys()];
    result.unreadFields = unreadPaths(paths, read)
      .map((path) => ({ path, payloads: pathPayloads.get(path)! }))
      .sort((x, y) => y.payloads - x.payloads || x.path.localeCompare(y.path));
  }
  return result;
}
