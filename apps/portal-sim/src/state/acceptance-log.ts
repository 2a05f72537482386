/** One version the portal accepted from a batch, as it was accepted. */
export interface AcceptedVersion {
  version: number;
  contentHash: string;
  /** The portal batch that brought it, and the province that batch was sent for. */
  batchId: string;
  provinceCode: string;
  acceptedAt: string;
  data: unknown;
}

export interface KeyLog {
  kind: string;
  key: string;
  versions: AcceptedVersion[];
}

/**
 * Every version accepted from a batch, per key, in the order accepted. The record store keeps only
 * the latest version; this is what lets a test check "each version exactly once, in version order"
 * after faults, since a version accepted twice, skipped or accepted out of order shows here and
 * nowhere else. Planted records (`PUT /__sim/records`) are not acceptances and are not logged.
 * In memory, emptied by reset; it grows with what is accepted, which suits a simulator.
 */
export class AcceptanceLog {
  private readonly logs = new Map<string, KeyLog>();
  private count = 0;

  append(kind: string, key: string, entry: AcceptedVersion): void {
    const id = `${kind}\u0000${key}`;
    let log = this.logs.get(id);
    if (!log) {
      log = { kind, key, versions: [] };
      this.logs.set(id, log);
    }
    log.versions.push(entry);
    this.count += 1;
  }

  get(kind: string, key: string): KeyLog | undefined {
    return this.logs.get(`${kind}\u0000${key}`);
  }

  /** Every key's log, or only the keys whose latest acceptance came with `provinceCode`'s batches. */
  list(provinceCode?: string): KeyLog[] {
    const all = [...this.logs.values()];
    return provinceCode === undefined
      ? all
      : all.filter((l) => l.versions[l.versions.length - 1]?.provinceCode === provinceCode);
  }

  get versions(): number {
    return this.count;
  }

  clear(): void {
    this.logs.clear();
    this.count = 0;
  }
}
