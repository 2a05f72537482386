import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { QueueStatsService, type QueueStats } from '@txng/queues';
import { RequireRole } from '../auth/roles.decorator';

@ApiTags('admin: queues')
@ApiBearerAuth()
@RequireRole('viewer')
@Controller('v1/admin/queues')
export class QueuesController {
  constructor(private readonly stats: QueueStatsService) {}

  @Get()
  async list(): Promise<{ items: Array<QueueStats & { throughputPerMinute: number }>; nextCursor: null }> {
    const all = await this.stats.all();
    return {
      items: all.map((q) => ({ ...q, throughputPerMinute: q.completedLastMinute })),
      nextCursor: null,
    };
  }
}
