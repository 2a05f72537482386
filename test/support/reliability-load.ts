import { appendFileSync } from 'node:fs';
import { normalizeRecord, recordKey } from '@txng/national-model';
import { type RunningPortalSim } from '../../apps/portal-sim/src/create-portal-sim';
import { type AcceptedVersion, type KeyLog } from '../../apps/portal-sim/src/state/acceptance-log';
import { simAdmin } from './portal-sim';
import { signWebhook } from './webhook-signer';
import { gtin13 } from './webhook-sources';

/**
 * The load and the verdict of the reliability suites: webhooks whose records update the same keys
 * several times, a sender that retries as a province does, and the check of what the portal
 * simulator accepted against what the hub acknowledged.
 */

export interface PlannedRecord {
  key: string;
  /** The product name, which carries the revision: what tells one version's content from another. */
  name: string;
}

export interface PlannedWebhook {
  id: string;
  body: string;
  records: PlannedRecord[];
}

/**
 * `groups` streams of `revisions` webhooks each; every webhook of a group carries the same
 * `keysPerGroup` products at its revision, so each key gets versions 1..revisions. Items are
 * numbered from `firstItem`, so phases of one run use keys of their own.
 */
export function planLoad(options: {
  tag: string;
  groups: number;
  keysPerGroup: number;
  revisions: number;
  firstItem?: number;
}): PlannedWebhook[][] {
  const first = options.firstItem ?? 0;
  return Array.from({ length: options.groups }, (_, g) =>
    Array.from({ length: options.revisions }, (_, r) => {
      const products = Array.from({ length: options.keysPerGroup }, (_, k) => {
        const item = first + g * options.keysPerGroup + k;
        return {
          gtin: gtin13(`8935049${String(item).padStart(5, '0')}`),
          name: `Gạo ST25 lô ${item} bản ${r + 1}`,
          ownerTaxCode: '0301234567',
          netContent: { value: 5, uom: 'KGM' },
        };
      });
      return {
        id: `msg_${options.tag}_${g}_${r + 1}`,
        body: JSON.stringify({ products }),
        records: products.map((p) => ({
          key: recordKey('product', normalizeRecord('product', p).data) as string,
          name: p.name,
        })),
      };
    }),
  );
}

export const recordCount = (groups: PlannedWebhook[][]): number =>
  groups.reduce((n, g) => n + g.reduce((m, w) => m + w.records.length, 0), 0);

export interface SendOutcome {
  /** webhook-id → when its 202 came. */
  acked: Map<string, number>;
  /** Webhooks the sender gave up on (no 202 within `giveUpMs`); the rest of their group was not sent. */
  unacked: string[];
  /** Every answer that was not a 202, with when it came: a status, or the network error's code. */
  refusals: Array<{ at: number; status: string }>;
  attempts: number;
}

export const newOutcome = (): SendOutcome => ({ acked: new Map(), unacked: [], refusals: [], attempts: 0 });

/**
 * Sends every group, `concurrency` groups at a time, each group's webhooks one after the other (a
 * key's next revision only after the previous one was acknowledged, as a province sends an update
 * after the original). Anything but a 202 — the hub down, a 5xx, a dropped connection — is retried
 * with the same webhook-id (re-signed with a fresh timestamp) with backoff up to 2 s, for at most
 * `giveUpMs` per webhook.
 */
export async function sendAll(
  url: string,
  sourceKey: string,
  secret: string,
  groups: PlannedWebhook[][],
  options: {
    concurrency?: number;
    giveUpMs?: number;
    /** A pause between a group's webhooks, drawn from [min, max] ms: spreads intake over time. */
    pauseMs?: [number, number];
    outcome?: SendOutcome;
  } = {},
): Promise<SendOutcome> {
  const outcome = options.outcome ?? newOutcome();
  const giveUpMs = options.giveUpMs ?? 240_000;
  const queue = [...groups];
  const sendOne = async (webhook: PlannedWebhook): Promise<boolean> => {
    const deadline = Date.now() + giveUpMs;
    for (let attempt = 0; ; attempt += 1) {
      outcome.attempts += 1;
      let status: string;
      try {
        const res = await fetch(`${url}/v1/webhooks/${sourceKey}`, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            ...signWebhook(secret, webhook.body, { id: webhook.id }),
          },
          body: webhook.body,
          signal: AbortSignal.timeout(15_000),
        });
        await res.arrayBuffer();
        if (res.status === 202) {
          outcome.acked.set(webhook.id, Date.now());
          return true;
        }
        status = String(res.status);
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause;
        status = cause?.code ?? (error as Error).name;
      }
      outcome.refusals.push({ at: Date.now(), status });
      if (Date.now() > deadline) return false;
      const backoff = Math.min(2000, 100 * 2 ** Math.min(attempt, 5));
      await sleep(randomBetween(backoff / 2, backoff));
    }
  };
  const worker = async (): Promise<void> => {
    for (let group = queue.shift(); group; group = queue.shift()) {
      for (const webhook of group) {
        if (options.pauseMs) await sleep(randomBetween(...options.pauseMs));
        if (!(await sendOne(webhook))) {
          outcome.unacked.push(webhook.id);
          break;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
  return outcome;
}

/** Every product key the groups update. */
export const keysOf = (groups: PlannedWebhook[][]): Set<string> =>
  new Set(groups.flatMap((g) => g[0]?.records.map((r) => r.key) ?? []));

/** How many records of acknowledged webhooks there are. */
export function ackedRecords(groups: PlannedWebhook[][], outcome: SendOutcome): number {
  let n = 0;
  for (const group of groups) for (const w of group) if (outcome.acked.has(w.id)) n += w.records.length;
  return n;
}

/** Every version the simulator accepted, by product key. */
export async function acceptedByKey(sim: RunningPortalSim): Promise<Map<string, AcceptedVersion[]>> {
  const answer = (await simAdmin(sim).accepted()) as { records: KeyLog[] };
  return new Map(answer.records.map((r) => [r.key, r.versions]));
}

/**
 * The promise, checked key by key: every record of every acknowledged webhook is at the portal
 * exactly once, and a key's versions were accepted as 1, 2, 3… carrying its revisions in the order
 * they were sent. A revision whose webhook got no 202 may be there or not (the body may have been
 * stored before the process died), but only last. Answers each breach in words; empty is a pass.
 */
export function deliveryProblems(
  groups: PlannedWebhook[][],
  outcome: SendOutcome,
  accepted: Map<string, AcceptedVersion[]>,
  /** Keys earlier phases of the run sent (and check): not strangers at the portal. */
  sentBefore: Set<string> = new Set(),
): string[] {
  const problems: string[] = [];
  const planned = new Set<string>();
  for (const group of groups) {
    const keys = group[0]?.records.map((r) => r.key) ?? [];
    keys.forEach((key, k) => {
      planned.add(key);
      const expected: string[] = [];
      let optional: string | null = null;
      for (const webhook of group) {
        if (outcome.acked.has(webhook.id)) expected.push(webhook.records[k].name);
        else {
          optional = webhook.records[k].name;
          break;
        }
      }
      const versions = accepted.get(key) ?? [];
      const names = versions.map((v) => (v.data as { name?: string }).name ?? '?');
      const numbers = versions.map((v) => v.version);
      const inOrder = numbers.every((n, i) => n === i + 1);
      const same = (a: string[], b: string[]): boolean =>
        a.length === b.length && a.every((x, i) => x === b[i]);
      const content = same(names, expected) || (optional !== null && same(names, [...expected, optional]));
      if (inOrder && content) return;
      const sorted = (a: string[]): string[] => [...a].sort();
      const kind = !inOrder
        ? 'NUMBERING' // a portal version skipped or repeated
        : expected.some((n) => !names.includes(n))
          ? 'LOST' // an acknowledged revision is not at the portal
          : names.length !== new Set(names).size
            ? 'TWICE' // one revision accepted as two versions
            : same(sorted(names), sorted(expected)) ||
                (optional !== null && same(sorted(names), sorted([...expected, optional])))
              ? 'ORDER' // every revision once, but not in the order acknowledged
              : 'OTHER';
      problems.push(
        `${kind} ${key}: the portal accepted ${JSON.stringify(versions.map((v) => [v.version, (v.data as { name?: string }).name]))}; ` +
          `expected the acknowledged revisions ${JSON.stringify(expected)} as versions 1..${expected.length}` +
          (optional ? ` (then possibly ${JSON.stringify(optional)})` : ''),
      );
    });
  }
  for (const key of accepted.keys())
    if (!planned.has(key) && !sentBefore.has(key))
      problems.push(`STRANGER ${key}: at the portal, never sent`);
  return problems;
}

/** Problems counted by their first word (LOST, TWICE, ORDER, NUMBERING, STRANGER, OTHER), for the figures. */
export function problemKinds(problems: string[]): Record<string, number> {
  const kinds: Record<string, number> = {};
  for (const p of problems) kinds[p.split(' ')[0]] = (kinds[p.split(' ')[0]] ?? 0) + 1;
  return kinds;
}

/**
 * Polls the simulator until it has accepted at least `versions` versions; answers how long that
 * took, or null when `timeoutMs` passed first.
 */
export async function timeUntilAccepted(
  sim: RunningPortalSim,
  versions: number,
  timeoutMs: number,
  from = Date.now(),
  keys?: Set<string>,
): Promise<number | null> {
  const deadline = from + timeoutMs;
  const count = async (): Promise<number> => {
    if (!keys) return ((await simAdmin(sim).stats()) as { versionsAccepted: number }).versionsAccepted;
    let n = 0;
    for (const [key, v] of await acceptedByKey(sim)) if (keys.has(key)) n += v.length;
    return n;
  };
  for (;;) {
    if ((await count()) >= versions) return Date.now() - from;
    if (Date.now() > deadline) return null;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A figure the suites measured: printed, and appended as a JSON line to RELIABILITY_REPORT when set. */
export function recordFigure(figure: Record<string, unknown>): void {
  const line = JSON.stringify({ at: new Date().toISOString(), ...figure });
  process.stdout.write(`reliability: ${line}\n`);
  if (process.env.RELIABILITY_REPORT) appendFileSync(process.env.RELIABILITY_REPORT, `${line}\n`);
}

/** How long the suites wait, after a fault ended, for the backlog to be at the portal. */
export const SETTLE_MS = Number(process.env.RELIABILITY_SETTLE_MS ?? 150_000);

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
export const randomBetween = (low: number, high: number): number => low + Math.random() * (high - low);
