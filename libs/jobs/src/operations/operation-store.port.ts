import { type PgOperationRepository } from '@txng/persistence';

/** Injection token of the operations' store (libs/persistence implements it: PgOperationRepository). */
export const OPERATION_STORE = Symbol('OPERATION_STORE');

/** What the operations need of storage (docs/adr/0006-operations.md). */
export type OperationStore = Pick<
  PgOperationRepository,
  | 'create'
  | 'createUnlessUnfinished'
  | 'adoptReplayRun'
  | 'get'
  | 'list'
  | 'start'
  | 'setTotal'
  | 'advance'
  | 'cancelRequested'
  | 'finish'
  | 'requestCancel'
  | 'unfinished'
>;
