export * from './replay-run.repository';
