export * from './pipeline-store.types';
export * from './pipeline.repository';
export * from './prefix-cache.repository';
