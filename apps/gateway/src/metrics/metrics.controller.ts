import { Controller, Get, Header, Inject, type OnModuleInit } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { METRICS_REGISTRY } from '@txng/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ALERT_CODES, PgAlertStore } from '@txng/persistence';
import { ALL_QUEUES, QueueStatsService } from '@txng/queues';
import { type DataSource } from 'typeorm';
import { Gauge, type Registry } from 'prom-client';
import { Public } from '../auth/roles.decorator';

@ApiExcludeController()
@Public()
@Controller('metrics')
export class MetricsController implements OnModuleInit {
  private readonly alerts: PgAlertStore;

  constructor(
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
    private readonly queueStats: QueueStatsService,
    @InjectDataSource() dataSource: DataSource,
  ) {
    this.alerts = new PgAlertStore(dataSource);
  }

  onModuleInit(): void {
    const stats = this.queueStats;
    new Gauge({
      name: 'txng_queue_jobs',
      help: 'Jobs per queue and state, read from Redis at scrape time',
      labelNames: ['queue', 'state'],
      registers: [this.registry],
      async collect() {
        const all = await stats.all().catch(() => []);
        for (const q of all) {
          for (const state of ['waiting', 'active', 'delayed', 'failed'] as const) {
            this.set({ queue: q.name, state }, q[state]);
          }
        }
        if (all.length === 0) for (const queue of ALL_QUEUES) this.set({ queue, state: 'unknown' }, 0);
      },
    });
    // The active alerts of GET /v1/admin/alerts (config/prometheus/alerts.yml fires on these).
    const alerts = this.alerts;
    new Gauge({
      name: 'txng_alert',
      help: 'One series per active alert: the measured value (minutes silent, share quarantined, pending deliveries, seconds unreachable or of lag)',
      labelNames: ['code', 'province_code', 'source_key'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const a of await alerts.list().catch(() => [])) {
          this.set(
            { code: a.code, province_code: a.provinceCode ?? '', source_key: a.sourceKey ?? '' },
            a.value,
          );
        }
      },
    });
    new Gauge({
      name: 'txng_alerts_active',
      help: 'Active alerts per code (0 when none), as GET /v1/admin/alerts lists them',
      labelNames: ['code'],
      registers: [this.registry],
      async collect() {
        const active = await alerts.list().catch(() => []);
        for (const code of ALERT_CODES) this.set({ code }, active.filter((a) => a.code === code).length);
      },
    });
  }

  @Get()
  @Header('Cache-Control', 'no-store')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
