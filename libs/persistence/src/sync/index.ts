export * from './sync-batch.types';
export * from './sync-target.sql';
export * from './sync-batch.repository';
export * from './reconciliation.repository';
