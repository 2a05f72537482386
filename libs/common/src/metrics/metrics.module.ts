import { Global, Module } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';

export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');

/**
 * One prom-client registry per process (not the global default, so tests that boot several apps in
 * one Jest worker do not register the same metric twice). Modules add their own counters to it.
 */
@Global()
@Module({
  providers: [
    {
      provide: METRICS_REGISTRY,
      useFactory: () => {
        const registry = new Registry();
        registry.setDefaultLabels({ service: 'txng-hub' });
        collectDefaultMetrics({ register: registry, prefix: 'txng_' });
        return registry;
      },
    },
  ],
  exports: [METRICS_REGISTRY],
})
export class MetricsModule {}
