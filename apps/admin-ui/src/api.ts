/** The operator API (docs/contracts/hub-interface.md), called with the signed-in token. */
import type { components } from './api-types.gen';

/** The gateway's answers as its OpenAPI document describes them (generated: `npm run api-types`). */
type Schemas = components['schemas'];

const TOKEN_KEY = 'txng.token';

export type Role = Schemas['WhoAmI']['role'];

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

// ---- The answers the screens read, each a schema of the gateway's OpenAPI document (its response
// DTOs under apps/gateway/src/admin/dto/): none is written here by hand ----

/** The signed-in token (GET /v1/admin/whoami): its name, role and provinces (null: the whole country). */
export type Session = Schemas['WhoAmI'];

export type Finding = Schemas['Finding'];

export type RecordView = Schemas['RecordView'];
export type RecordPage = Schemas['RecordPage'];
export type RecordDetail = Schemas['RecordDetail'];

export type ConflictPage = Schemas['ConflictPage'];
export type Conflict = Schemas['Conflict'];
export type ConflictSide = Schemas['ConflictSide'];

export type ProvincePage = Schemas['ProvincePage'];
export type ProvinceRollout = Schemas['ProvinceRollout'];

export type StatusCounts = Schemas['StatusCounts'];

export type SourceOverview = Schemas['SourceOverview'];

export type Overview = Schemas['Overview'];

export type QueuePage = Schemas['QueuePage'];
export type QueueStats = Schemas['QueueListItem'];
/** What pause and resume answer (QueueStats) and retry-failed (with `retried`). */
export type QueueRetried = Schemas['QueueRetried'];

export type AuditPage = Schemas['AuditPage'];
export type AuditEntry = Schemas['AuditEntry'];

/** Long work with its progress (docs/operations.md, "Long work"). */
export type Operation = Schemas['Operation'];
export type OperationPage = Schemas['OperationPage'];
/** What starting long work answers at once (a poll backfill): its operation and where to watch or stop it. */
export type StartedOperation = Schemas['StartedOperation'];
/** What a bulk decision over conflicts answers at once: its operation and how many it matched. */
export type BulkResolveAnswer = Schemas['BulkResolveAnswer'];
/** A province's counts and digest beside the portal's, with its stored runs (GET …/reconciliation). */
export type Reconciliation = Schemas['Reconciliation'];
/** What asking for a reconciliation answers at once (202): its operation and where to follow it. */
export type ReconciliationStarted = Schemas['ReconciliationStarted'];

export type SearchAnswer = Schemas['SearchAnswer'];
export type SearchHit = Schemas['SearchHit'];
export type ReceiptHit = Schemas['ReceiptHit'];
export type SearchGroup = Schemas['SearchGroup'];

export type SourcePage = Schemas['SourcePage'];
export type SourceView = Schemas['SourceView'];
/** `POST /v1/admin/sources/{key}/test-connection`: one real fetch of a poll source's first page. */
export type TestConnectionResult = Schemas['TestConnectionResult'];
/** A source with the secrets a change made (creating a webhook source, rotating a secret): shown once. */
export type SourceWithSecrets = Schemas['SourceWithSecrets'];

export type ReplayAnswer = Schemas['ReplayAnswer'];
/** What a replay of chosen receipts answers at once: its operation (docs/pipeline.md, "Replay of chosen receipts"). */
export type ReplayReceiptsAnswer = Schemas['ReplayReceiptsAnswer'];

/** What preview and preview-draft answer: the records a sample makes and findings about it as a whole. */
export type PreviewAnswer = Schemas['PreviewAnswer'];

/** What `POST /v1/admin/sources/{key}/try-mapping` answers: the draft against the mapping in force. */
export type MappingTrial = Schemas['MappingTrial'];
export type TrialChange = Schemas['TrialChange'];

/** GET /v1/admin/activity: per-minute rates over buckets of stepSeconds (docs/admin-ui.md, "Charts"). */
export type ActivitySeries = Schemas['ActivitySeries'];

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

export function sourceAction(key: string, action: SourceAction): Promise<SourceWithSecrets> {
  return api<SourceWithSecrets>(`/v1/admin/sources/${enc(key)}/${action}`, { method: 'POST' });
}

/** Saves a JSONata expression as the source's next mapping version (admin; audited). */
export function saveMapping(key: string, expression: string): Promise<SourceWithSecrets> {
  return api<SourceWithSecrets>(`/v1/admin/sources/${enc(key)}`, {
    method: 'PATCH',
    body: { mapping: { language: 'jsonata', expression } },
  });
}

/** Re-reads a source's held records with its current mapping (operator). */
export function replayHeld(
  sourceKey: string,
  status: 'quarantined' | 'rejected' | 'failed',
): Promise<ReplayAnswer> {
  return api<ReplayAnswer>('/v1/admin/replay', { body: { status, sourceKey } });
}

/** Judges chosen receipts of a source again with its current mapping, as an operation (operator). */
export function replayReceipts(sourceKey: string, receiptIds: string[]): Promise<ReplayReceiptsAnswer> {
  return api<ReplayReceiptsAnswer>('/v1/admin/replay/receipts', { body: { sourceKey, receiptIds } });
}
