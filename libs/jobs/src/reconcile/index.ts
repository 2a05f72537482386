export * from './reconciliation.service';
export * from './reconciliation.module';
export * from './reconcile.processor';
export * from './reconciliation.port';
export * from './reconciliation-operation.service';
