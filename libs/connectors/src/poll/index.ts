export * from './poll-fetch.error';
export * from './poll-fetcher';
export * from './poll-page';
export * from './poll-checkpoint';
export * from './poll-runner';
export * from './poll-backfill';
