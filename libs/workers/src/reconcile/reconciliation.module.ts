import { HUB_CONFIG, type HubConfig } from '@txng/common';
import { Module } from '@nestjs/common';
import { SYNC_OPTIONS } from '../sync/sync.options';
import { ReconciliationService } from './reconciliation.service';

/**
 * The reconciliation service alone (no processors), for the gateway's operator API; the worker
 * side imports it through SyncWorkersModule.
 */
@Module({
  providers: [{ provide: SYNC_OPTIONS, inject: [HUB_CONFIG], useFactory: (config: HubConfig) => config.sync }, ReconciliationService],
  exports: [ReconciliationService],
})
export class ReconciliationModule {}
