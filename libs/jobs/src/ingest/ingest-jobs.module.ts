import { Module } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { HUB_CONFIG, type HubConfig, METRICS_REGISTRY } from '@txng/common';
import { ConnectorsModule } from '@txng/connectors';
import { PgPipelineRepository, PgPrefixCacheRepository } from '@txng/persistence';
import {
  type PipelineStore,
  PipelineMetrics,
  PipelineService,
  type PrefixCacheStore,
  PrefixRegistryCache,
} from '@txng/pipeline';
import { PORTAL_CLIENTS, type PortalClients } from '@txng/portal-client';
import { type Registry } from 'prom-client';
import { type DataSource } from 'typeorm';
import { IngestProcessor } from './ingest.processor';
import { PipelineSettings } from './pipeline-settings';

/** The ingest queue's processor and the pipeline it drives, on the hub's PostgreSQL. */
@Module({
  imports: [ConnectorsModule],
  providers: [
    {
      provide: PipelineSettings,
      inject: [HUB_CONFIG],
      useFactory: (config: HubConfig) => {
        const settings = new PipelineSettings();
        settings.prefixCheck = config.prefixRegistryCheck;
        return settings;
      },
    },
    {
      provide: PipelineMetrics,
      inject: [METRICS_REGISTRY],
      useFactory: (registry: Registry) => new PipelineMetrics(registry),
    },
    {
      provide: PrefixRegistryCache,
      inject: [getDataSourceToken(), PORTAL_CLIENTS, PipelineSettings, PipelineMetrics],
      useFactory: (
        dataSource: DataSource,
        clients: PortalClients,
        settings: PipelineSettings,
        metrics: PipelineMetrics,
      ) => {
        const cache: PrefixCacheStore = new PgPrefixCacheRepository(dataSource);
        return new PrefixRegistryCache(
          cache,
          () => clients.production,
          settings.prefixCache,
          (result) => metrics.lookup(result),
        );
      },
    },
    {
      provide: PipelineService,
      inject: [getDataSourceToken(), PrefixRegistryCache, PipelineSettings, PipelineMetrics],
      useFactory: (
        dataSource: DataSource,
        prefixes: PrefixRegistryCache,
        settings: PipelineSettings,
        metrics: PipelineMetrics,
      ) => {
        // Typed to the port: the compiler checks that the adapter fits (docs/architecture.md).
        const store: PipelineStore = new PgPipelineRepository(dataSource);
        return new PipelineService(
          store,
          undefined,
          // The setting is read on every batch, so a spec may switch it on a running app.
          {
            verdicts: (digits) => (settings.prefixCheck ? prefixes.verdicts(digits) : Promise.resolve(null)),
          },
          metrics,
        );
      },
    },
    IngestProcessor,
  ],
  exports: [PipelineService, PipelineSettings],
})
export class IngestJobsModule {}
