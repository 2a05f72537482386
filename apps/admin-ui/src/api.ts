/** The operator API (docs/contracts/hub-interface.md), called with the signed-in token. */

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

// ---- Shapes the screens use (a subset of each answer) ----

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Finding {
  code: string;
  message: string;
  path?: string;
  severity?: string;
}

export interface RecordView {
  id: string;
  kind: string;
  key: string;
  version: number | null;
  status: string;
  findings: Finding[];
  data: unknown;
  source: string;
  receiptId: string;
  webhookId: string | null;
  pollPage: Record<string, unknown> | null;
  mappingVersion: number | null;
  createdAt: string;
}

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

export interface Conflict {
  id: string;
  code: string;
  kind: string;
  key: string;
  status: 'open' | 'resolved';
  existing: RecordView | null;
  incoming: RecordView;
  createdAt: string;
  resolvedAt: string | null;
  decision: string | null;
  note: string | null;
  resolvedBy: string | null;
}

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

export interface StatusCounts {
  ready: number;
  quarantined: number;
  conflict: number;
  rejected: number;
  failed: number;
  synced: number;
  openConflicts: number;
}

export interface SourceOverview {
  key: string;
  name: string;
  kind: string;
  format: string;
  stage: string;
  health: string;
  lastError: string | null;
  lastReceiptAt: string | null;
  lastPollAt: string | null;
  lagSeconds: number;
  recordsPerMinute: number;
  counts: StatusCounts;
  sync: { pending: number; lastSyncedAt: string | null; available: boolean };
}

export interface Overview {
  generatedAt: string;
  totals: StatusCounts & { recordsPerMinute: number };
  provinces: Array<{
    code: string;
    name: string;
    counts: StatusCounts;
    sources: SourceOverview[];
    reconciliation: {
      target: string;
      startedAt: string;
      finishedAt: string | null;
      agreed: boolean | null;
      differing: number;
      repaired: number | null;
      error: string | null;
    } | null;
  }>;
}

export interface QueueStats {
  name: string;
  paused: boolean;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
  throughputPerMinute: number;
}

export interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  details: unknown;
}

export interface SearchAnswer {
  query: string;
  items: Array<{
    kind: string;
    key: string;
    version: number | null;
    status: string;
    source: string;
    /** The record's province (its own, its data's, or its source's). */
    provinceCode: string | null;
    matchedBy: string[];
    at: string;
  }>;
  receipts: Array<{
    id: string;
    source: string;
    webhookId: string | null;
    status: string;
    receivedAt: string;
  }>;
}

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
