// Public API of @txng/portal-client: the hub's side of the National Portal Sync API v1.
export * from './portal-client';
export * from './portal-client.errors';
export * from './portal-client.options';
export * from './portal-api.types';
export { type Clock, systemClock } from './clock';
export { CircuitBreaker, CircuitBreakerRegistry, type BreakerState } from './circuit-breaker';
export { batchIdempotencyKey, BatchPacker, chunkBatch, type BatchChunk, type PackFit } from './batch-chunker';
export {
  PortalModule,
  PORTAL_CLIENTS,
  PORTAL_CLIENT_OPTIONS,
  createPortalClients,
  type PortalClients,
  type PortalTarget,
} from './portal.module';
