export * from './operation-store.port';
export * from './operation-tracker';
export * from './operation-view';
export * from './operations.service';
export * from './operations.module';
export * from './bulk-conflict-resolve.service';
export * from './receipt-replay.service';
