// Public API of @txng/pipeline: the rules that turn a receipt's records into versions, duplicates,
// quarantined records and conflicts, written against a small store port (docs/pipeline.md).
export * from './pipeline.types';
export * from './pipeline-store.port';
export * from './pipeline.service';
export { toCandidate, receiptFailureCandidate, unkeyedKey } from './rules/classify-record';
export { decideRecord, type Decision, type DecideContext } from './rules/decide-record';
export { planBatch, refOf } from './rules/plan-batch';
export { quarantineRef } from './rules/plan-batch';
export { prefixDigitsOf } from './rules/classify-record';
export { commissionedSerials, sgtinOf, isCommissioning, type SerialClaim } from './rules/serials';
export * from './operate/operation-errors';
export * from './operate/conflict-store.port';
export * from './operate/conflict-resolver';
export * from './operate/replay-store.port';
export * from './operate/replay';
export * from './operate/replay-runner';
export * from './prefixes/prefix-registry-cache';
export * from './prefixes/prefix-cache-store.port';
export * from './pipeline-metrics';
