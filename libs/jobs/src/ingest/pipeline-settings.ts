import { Injectable } from '@nestjs/common';
import { type PrefixCacheOptions } from '@txng/pipeline';

/**
 * Tunables of the ingest pipeline, one instance per process. Read at the moment they are used, so an
 * integration spec may shorten them on a running application (`app.get(PipelineSettings)`).
 */
@Injectable()
export class PipelineSettings {
  /**
   * Check products against the portal's GS1 prefix registry (GTIN_PREFIX_OWNER): PREFIX_REGISTRY_CHECK,
   * on by default. The test harness turns it off for specs that run without a portal, and the specs
   * of the check turn it on (docs/pipeline.md).
   */
  prefixCheck = true;
  /** First delay before a job with held-back records runs again; doubles each time up to the max. */
  holdRetryBaseMs = 5_000;
  holdRetryMaxMs = 5 * 60_000;
  prefixCache: Partial<PrefixCacheOptions> = {};
  /**
   * First delay before a receipt waiting for an earlier receipt of its source is looked at again;
   * doubles each time up to the max. Short: the earlier receipt is usually being judged right now.
   */
  orderRetryBaseMs = 250;
  orderRetryMaxMs = 5_000;

  /** The delay before the `holds`-th retry (1-based) of a job with held-back records. */
  holdDelay(holds: number): number {
    return Math.min(this.holdRetryBaseMs * 2 ** Math.max(0, holds - 1), this.holdRetryMaxMs);
  }

  /** The delay before the `waits`-th look (1-based) at a receipt waiting for an earlier one. */
  orderDelay(waits: number): number {
    return Math.min(this.orderRetryBaseMs * 2 ** Math.min(20, Math.max(0, waits - 1)), this.orderRetryMaxMs);
  }
}
