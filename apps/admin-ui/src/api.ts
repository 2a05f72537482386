/** The operator API (docs/contracts/hub-interface.md), called with the signed-in token. */
import type { components } from './api-types.gen';

/** The gateway's answers as its OpenAPI document describes them (generated: `npm run api-types`). */
type Schemas = components['schemas'];

const TOKEN_KEY = 'txng.token';

export type Role = 'viewer' | 'operator' | 'admin';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown[] = [],
  ) {
    super(message);
  }
}

export const tokenStore = {
  get: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (token: string): void => sessionStorage.setItem(TOKEN_KEY, token),
  clear: (): void => sessionStorage.removeItem(TOKEN_KEY),
};

let onUnauthorized: () => void = () => undefined;
/** Called when any call answers 401 (token revoked or expired): the app signs out. */
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

interface RequestOptions {
  method?: string;
  body?: unknown;
  /** A raw body (a sample payload for preview) with its content type. */
  raw?: { text: string; contentType: string };
  token?: string;
  signal?: AbortSignal;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const token = options.token ?? tokenStore.get();
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (options.raw) {
    headers['Content-Type'] = options.raw.contentType;
    body = options.raw.text;
  } else if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  const response = await fetch(path, {
    method: options.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    body,
    signal: options.signal,
    credentials: 'same-origin',
  });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const e = (parsed ?? {}) as { error?: string; message?: string; details?: unknown[] };
    if (response.status === 401 && !options.token) onUnauthorized();
    throw new ApiError(
      response.status,
      e.error ?? 'http_error',
      e.message ?? `HTTP ${response.status}`,
      e.details ?? [],
    );
  }
  return parsed as T;
}

export const enc = encodeURIComponent;

/** `?a=1&b=2` from the defined entries. */
export function query(params: Record<string, string | undefined | null>): string {
  const entries = Object.entries(params).filter(
    (e): e is [string, string] => e[1] !== undefined && e[1] !== null && e[1] !== '',
  );
  return entries.length ? `?${new URLSearchParams(entries).toString()}` : '';
}

// ---- Shapes the screens use: generated from the gateway's DTOs where it has them, else a subset of
// each answer kept here by hand ----

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type Finding = Schemas['Finding'];

export type RecordView = Schemas['RecordView'];

export interface RecordDetail extends RecordView {
  provinceCode: string | null;
  syncedVersion: number | null;
  /** The newest versions only (the API bounds the list); versionsTotal says how many there are. */
  versions: Array<RecordView & { history: Array<{ status: string; reason: string; at: string }> }>;
  versionsTotal?: number;
  /** Arrivals not judged yet because a check they need is held back. */
  received?: RecordView[];
  duplicates: Array<{
    receiptId: string;
    source: string;
    webhookId: string | null;
    version: number | null;
    at: string;
  }>;
  conflicts: Array<{ id: string; code: string; status: string; createdAt: string }>;
}

export type Conflict = Schemas['Conflict'];
export type ConflictSide = Schemas['ConflictSide'];

export interface ProvinceRollout {
  code: string;
  name: string;
  stage: 'no-system' | 'draft' | 'testing' | 'syncing';
  sources: Array<{ key: string; name: string; kind: string; format: string; stage: string }>;
}

export interface ProvincesAnswer extends Page<ProvinceRollout> {
  /** Pre-2025 province codes and names, with the current province each was merged into. */
  legacy?: Array<{ code: string; name: string; mergedInto: string }>;
  summary: { provinces: number; noSystem: number; draft: number; testing: number; syncing: number };
}

export type StatusCounts = Schemas['StatusCounts'];

export type SourceOverview = Schemas['SourceOverview'];

export type Overview = Schemas['Overview'];

export type QueueStats = Schemas['QueueListItem'];

export type AuditEntry = Schemas['AuditEntry'];

export type SearchAnswer = Schemas['SearchAnswer'];
export type SearchHit = Schemas['SearchHit'];
export type ReceiptHit = Schemas['ReceiptHit'];
export type SearchGroup = Schemas['SearchGroup'];

export interface SourceView {
  key: string;
  provinceCode: string;
  provinceName: string | null;
  name: string;
  kind: 'webhook' | 'poll';
  format: string;
  stage: 'draft' | 'testing' | 'active' | 'paused';
  status: string;
  health: string;
  mapping: { version: number; language: string; expression: string } | null;
  webhookPath: string | null;
  lastReceiptAt: string | null;
  lastPollAt: string | null;
  lastError: string | null;
  updatedAt: string;
  /** Only in the answer that creates a webhook source or rotates its secret: shown once. */
  webhookSecret?: string;
}

/** Stage changes and secret rotation (hub-interface.md): which role each needs. */
export const SOURCE_ACTIONS = {
  'start-testing': 'admin',
  activate: 'admin',
  pause: 'operator',
  resume: 'operator',
  'rotate-secret': 'admin',
} as const satisfies Record<string, Role>;
export type SourceAction = keyof typeof SOURCE_ACTIONS;

/** Which actions a source's stage (and kind) allows, before the role is considered. */
export function actionsFor(source: Pick<SourceView, 'stage' | 'kind'>): SourceAction[] {
  const byStage: Record<SourceView['stage'], SourceAction[]> = {
    draft: ['start-testing', 'activate'],
    testing: ['activate', 'pause'],
    active: ['pause'],
    paused: ['resume'],
  };
  const actions = [...(byStage[source.stage] ?? [])];
  if (source.kind === 'webhook') actions.push('rotate-secret');
  return actions;
}

export function sourceAction(key: string, action: SourceAction): Promise<SourceView> {
  return api<SourceView>(`/v1/admin/sources/${enc(key)}/${action}`, { method: 'POST' });
}

/** Saves a JSONata expression as the source's next mapping version (admin; audited). */
export function saveMapping(key: string, expression: string): Promise<SourceView> {
  return api<SourceView>(`/v1/admin/sources/${enc(key)}`, {
    method: 'PATCH',
    body: { mapping: { language: 'jsonata', expression } },
  });
}

export interface ReplayAnswer {
  runId: string;
  replayed: number;
  receipts: number;
  outdated: number;
  /** Receipts not replayed: their bodies were purged after the retention period. */
  expired?: number;
  /** The run is a job; GET /v1/admin/replay/{runId} shows its progress. */
  jobId?: string;
}

/** Re-reads a source's held records with its current mapping (operator). */
export function replayHeld(
  sourceKey: string,
  status: 'quarantined' | 'rejected' | 'failed',
): Promise<ReplayAnswer> {
  return api<ReplayAnswer>('/v1/admin/replay', { body: { status, sourceKey } });
}

export interface PreviewAnswer {
  records: Array<{ kind: string; key?: string; data: unknown; findings: Finding[] }>;
  findings: Finding[];
}

export interface TrialChange {
  receiptId: string;
  kind: string;
  key: string | null;
  change: 'changed' | 'appeared' | 'disappeared' | 'fixed' | 'broken';
  storedStatus: string | null;
  liveFindings: string[];
  draftFindings: string[];
}

/** What `POST /v1/admin/sources/{key}/try-mapping` answers: the draft against the mapping in force. */
export interface MappingTrial {
  liveVersion: number | null;
  limits: { receipts: number; bytes: number; ms: number };
  read: { receipts: number; bytes: number; purged: number; stoppedBy: 'bytes' | 'time' | null };
  receipts: number;
  failed: { live: number; draft: number };
  records: { live: number; draft: number; unchanged: number };
  counts: Record<TrialChange['change'], number>;
  fixesQuarantined: number;
  findings: Array<{ code: string; live: number; draft: number }>;
  changes: TrialChange[];
  affectedReceipts: string[];
  unreadFields: Array<{ path: string; payloads: number }> | null;
  stoppedByTime: boolean;
}

/** GET /v1/admin/activity: per-minute rates over buckets of stepSeconds (docs/admin-ui.md, "Charts"). */
export interface ActivitySeries {
  window: 'hour' | 'day';
  stepSeconds: number;
  from: string;
  to: string;
  sourceKey: string | null;
  provinceCode: string | null;
  points: Array<{
    at: string;
    received: number;
    quarantined: number;
    synced: number;
    lagAvgSeconds: number | null;
    lagMaxSeconds: number | null;
    backlog: number | null;
  }>;
  queueDepth: Array<{ at: string; depth: Record<string, number> }>;
}
