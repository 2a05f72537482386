const DAY_MS = 24 * 60 * 60 * 1000;

export interface SavedResponse {
  bodyHash: string;
  status: number;
  body: unknown;
  savedAt: number;
}

/**
 * First responses by Idempotency-Key, kept 24 h (the contract's window). Only processed batches
 * (200) are saved: a refused envelope stored nothing, so there is nothing to replay.
 */
export class IdempotencyStore {
  private readonly saved = new Map<string, SavedResponse>();

  constructor(private readonly now: () => number) {}

  get(key: string): SavedResponse | undefined {
    const entry = this.saved.get(key);
    if (entry && this.now() - entry.savedAt >= DAY_MS) {
      this.saved.delete(key);
      return undefined;
    }
    return entry;
  }

  save(key: string, bodyHash: string, status: number, body: unknown): void {
    this.saved.set(key, { bodyHash, status, body, savedAt: this.now() });
  }

  clear(): void {
    this.saved.clear();
  }
}
