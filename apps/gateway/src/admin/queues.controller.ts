import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { notFound } from '@txng/common';
import { AuditService, type Principal } from '@txng/persistence';
import { ALL_QUEUES, type QueueName, QueueStatsService, type QueueStats } from '@txng/queues';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { RequireRole } from '../auth/roles.decorator';
import { QueuePageDto, QueueRetriedDto, QueueStatsDto } from './dto/queue.dto';

@ApiTags('admin: queues')
@ApiBearerAuth()
@RequireRole('viewer')
@Controller('v1/admin/queues')
export class QueuesController {
  constructor(
    private readonly stats: QueueStatsService,
    private readonly audit: AuditService,
  ) {}

  @Get()
  @ApiOkResponse({ type: QueuePageDto })
  async list(): Promise<{ items: Array<QueueStats & { throughputPerMinute: number }>; nextCursor: null }> {
    const all = await this.stats.all();
    return {
      items: all.map((q) => ({ ...q, throughputPerMinute: q.completedLastMinute })),
      nextCursor: null,
    };
  }

  @Post(':name/pause')
  @ApiOkResponse({ type: QueueStatsDto })
  @RequireRole('operator')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop every worker taking new jobs from this queue (active jobs finish).' })
  async pause(@Param('name') name: string, @CurrentPrincipal() who: Principal): Promise<QueueStats> {
    const queue = known(name);
    await this.stats.pause(queue);
    await this.audit.record({ actor: who.actor, action: 'queue.pause', target: queue });
    return this.stats.one(queue);
  }

  @Post(':name/resume')
  @ApiOkResponse({ type: QueueStatsDto })
  @RequireRole('operator')
  @HttpCode(200)
  async resume(@Param('name') name: string, @CurrentPrincipal() who: Principal): Promise<QueueStats> {
    const queue = known(name);
    await this.stats.resume(queue);
    await this.audit.record({ actor: who.actor, action: 'queue.resume', target: queue });
    return this.stats.one(queue);
  }

  @Post(':name/retry-failed')
  @ApiOkResponse({ type: QueueRetriedDto })
  @RequireRole('operator')
  @HttpCode(200)
  @ApiOperation({ summary: "Move this queue's failed jobs back to waiting; answers how many." })
  async retryFailed(
    @Param('name') name: string,
    @CurrentPrincipal() who: Principal,
  ): Promise<QueueStats & { retried: number }> {
    const queue = known(name);
    const retried = await this.stats.retryFailed(queue);
    await this.audit.record({
      actor: who.actor,
      action: 'queue.retry-failed',
      target: queue,
      details: { retried },
    });
    return { ...(await this.stats.one(queue)), retried };
  }
}

function known(name: string): QueueName {
  if (!(ALL_QUEUES as readonly string[]).includes(name)) throw notFound(`Queue "${name}"`);
  return name as QueueName;
}
