export * from './sync.options';
export * from './sync-target';
export * from './sync-batch.store';
export * from './sync.service';
export * from './sync.processor';
export * from './sync-scheduler.service';
export * from './sync-workers.module';
