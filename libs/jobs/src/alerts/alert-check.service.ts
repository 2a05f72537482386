import { Inject, Injectable, Logger } from '@nestjs/common';
import { HUB_CONFIG, type HubConfig, PeriodicService, PeriodicTask } from '@txng/common';
import { type AlertRow, type PgAlertStore, type PgCallbackStore } from '@txng/persistence';
import { PORTAL_CLIENTS, type PortalClients } from '@txng/portal-client';

/** Where alerts are measured and kept (adapter: PgAlertStore). */
export type AlertStore = Pick<
  PgAlertStore,
  'sourceActivity' | 'quarantineLastHour' | 'oldestReady' | 'markCheck' | 'replace'
>;
export const ALERT_STORE = Symbol('ALERT_STORE');
/** The deliveries' side of CALLBACK_FAILING (adapter: PgCallbackStore). */
export type FailingCallbacks = Pick<PgCallbackStore, 'failingSources'>;
export const FAILING_CALLBACKS = Symbol('FAILING_CALLBACKS');

const PROBE_TIMEOUT_MS = 5_000;

/**
 * Checks the five alerts of hub-interface.md ("v1 additions") every ALERT_CHECK_EVERY_MS (a minute
 * at most) in every worker process; one process at a time writes the active set (an advisory
 * lock), which GET /v1/admin/alerts and /metrics read. Thresholds: ALERT_* (docs/operations.md).
 */
@Injectable()
export class AlertCheckService extends PeriodicService {
  protected readonly task: PeriodicTask;

  constructor(
    @Inject(ALERT_STORE) private readonly store: AlertStore,
    @Inject(FAILING_CALLBACKS) private readonly callbacks: FailingCallbacks,
    @Inject(PORTAL_CLIENTS) private readonly portals: PortalClients,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {
    super();
    this.task = new PeriodicTask(
      'alert check',
      config.notify.alertCheckEveryMs,
      () => this.check(),
      new Logger(AlertCheckService.name),
    );
  }

  /** Measures everything and writes the active set; answers it. */
  async check(now = new Date()): Promise<AlertRow[]> {
    const t = this.config.notify;
    const alerts: AlertRow[] = [];
    for (const s of await this.store.sourceActivity()) {
      const dueBy = new Date(s.lastActivity.getTime() + s.intervalMinutes * 60_000);
      if (dueBy >= now) continue;
      const silent = Math.floor((now.getTime() - s.lastActivity.getTime()) / 60_000);
      alerts.push({
        id: `SOURCE_STALE:${s.key}`,
        code: 'SOURCE_STALE',
        provinceCode: s.provinceCode,
        sourceKey: s.key,
        since: dueBy,
        message: `Source "${s.key}" has received or polled nothing for ${silent} min (expected every ${s.intervalMinutes} min).`,
        value: silent,
      });
    }
    for (const q of await this.store.quarantineLastHour()) {
      const share = q.total === 0 ? 0 : q.quarantined / q.total;
      if (q.total < t.quarantineMinRecords || share <= t.quarantineRate) continue;
      alerts.push({
        id: `QUARANTINE_RATE:${q.sourceKey}`,
        code: 'QUARANTINE_RATE',
        provinceCode: q.provinceCode,
        sourceKey: q.sourceKey,
        since: now,
        message: `${q.quarantined} of ${q.total} records of "${q.sourceKey}" in the last hour were quarantined (${Math.round(share * 100)} %, over ${Math.round(t.quarantineRate * 100)} %).`,
        value: share,
      });
    }
    for (const f of await this.callbacks.failingSources()) {
      if (now.getTime() - f.since.getTime() < t.callbackFailingSeconds * 1000) continue;
      alerts.push({
        id: `CALLBACK_FAILING:${f.sourceKey}`,
        code: 'CALLBACK_FAILING',
        provinceCode: f.provinceCode,
        sourceKey: f.sourceKey,
        since: f.since,
        message: `${f.pending} callback deliver(ies) to "${f.sourceKey}" are not delivered; the oldest has failed since ${f.since.toISOString()}.`,
        value: f.pending,
      });
    }
    const probe = await this.probePortal();
    const failingSince = await this.store.markCheck('portal', probe !== null, probe);
    if (failingSince && now.getTime() - failingSince.getTime() >= t.portalUnreachableSeconds * 1000) {
      alerts.push({
        id: 'PORTAL_UNREACHABLE',
        code: 'PORTAL_UNREACHABLE',
        provinceCode: null,
        sourceKey: null,
        since: failingSince,
        message: `The National Portal has not answered since ${failingSince.toISOString()}: ${probe}.`,
        value: (now.getTime() - failingSince.getTime()) / 1000,
      });
    }
    for (const r of await this.store.oldestReady()) {
      const lag = (now.getTime() - r.oldest.getTime()) / 1000;
      if (lag <= t.syncLagSeconds) continue;
      alerts.push({
        id: `SYNC_LAG:${r.provinceCode ?? '-'}`,
        code: 'SYNC_LAG',
        provinceCode: r.provinceCode,
        sourceKey: null,
        since: new Date(r.oldest.getTime() + t.syncLagSeconds * 1000),
        message: `${r.ready} version(s)${r.provinceCode ? ` of province ${r.provinceCode}` : ''} wait for the portal; the oldest for ${Math.round(lag / 60)} min (limit ${Math.round(t.syncLagSeconds / 60)} min).`,
        value: lag,
      });
    }
    await this.store.replace(alerts);
    return alerts;
  }

  /** Null when the production portal answers one authenticated read in time; else why not. */
  private async probePortal(): Promise<string | null> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.portals.production.getProvinceSummary('01'),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS / 1000} s`)),
            PROBE_TIMEOUT_MS,
          );
        }),
      ]);
      return null;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    } finally {
      clearTimeout(timer);
    }
  }
}
