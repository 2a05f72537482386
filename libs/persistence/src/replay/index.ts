export * from './replay.types';
export * from './replay.repository';
export * from './replay-runs-read';
export * from './receipt-replay.read';
