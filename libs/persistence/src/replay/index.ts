export * from './replay.types';
export * from './replay-run.repository';
export * from './replay.repository';
export * from './replay-runs-read';
