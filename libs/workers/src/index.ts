export * from './workers.module';
