import { type Registry } from 'prom-client';

/**
 * The metric named `name` on the process's registry, made by `make` only if no module of this
 * process registered it yet: several Nest modules (or a gateway and a worker in one process) may
 * construct the same metrics class, and prom-client refuses a second registration of a name.
 */
export function metricOnce<T>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}
