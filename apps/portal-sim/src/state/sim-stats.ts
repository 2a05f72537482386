/** Counters the tests and the demo read from GET /__sim/stats. */
export class SimStats {
  /** "POST /api/v1/batches 200" → count; dropped connections count under status "dropped". */
  private calls = new Map<string, number>();
  private results = new Map<string, number>();
  private inFlight = new Map<string, number>();
  private maxInFlight = new Map<string, number>();
  batchesStored = 0;
  replays = 0;
  tokensIssued = 0;

  call(route: string, status: number | 'dropped'): void {
    const name = `${route} ${status}`;
    this.calls.set(name, (this.calls.get(name) ?? 0) + 1);
  }

  result(status: string): void {
    this.results.set(status, (this.results.get(status) ?? 0) + 1);
  }

  /** Marks a batch call for `province` as started; returns the function that marks it finished. */
  enter(province: string): () => void {
    const now = (this.inFlight.get(province) ?? 0) + 1;
    this.inFlight.set(province, now);
    if (now > (this.maxInFlight.get(province) ?? 0)) this.maxInFlight.set(province, now);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.inFlight.set(province, (this.inFlight.get(province) ?? 1) - 1);
    };
  }

  view(recordsHeld: number, versionsAccepted: number): Record<string, unknown> {
    return {
      calls: Object.fromEntries(this.calls),
      batchesStored: this.batchesStored,
      recordsHeld,
      versionsAccepted,
      results: Object.fromEntries(this.results),
      replays: this.replays,
      tokensIssued: this.tokensIssued,
      maxInFlightByProvince: Object.fromEntries(this.maxInFlight),
      inFlightByProvince: Object.fromEntries([...this.inFlight].filter(([, n]) => n > 0)),
    };
  }

  clear(): void {
    this.calls = new Map();
    this.results = new Map();
    // In-flight counts describe live requests, so they survive a reset; the maxima restart.
    this.maxInFlight = new Map([...this.inFlight].filter(([, n]) => n > 0));
    this.batchesStored = 0;
    this.replays = 0;
    this.tokensIssued = 0;
  }
}
