import { Controller, Get, Header, Inject, type OnModuleInit } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { METRICS_REGISTRY } from '@txng/common';
import { ALL_QUEUES, QueueStatsService } from '@txng/queues';
import { Gauge, type Registry } from 'prom-client';
import { Public } from '../auth/roles.decorator';

@ApiExcludeController()
@Public()
@Controller('metrics')
export class MetricsController implements OnModuleInit {
  constructor(
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
    private readonly queueStats: QueueStatsService,
  ) {}

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
  }

  @Get()
  @Header('Cache-Control', 'no-store')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
