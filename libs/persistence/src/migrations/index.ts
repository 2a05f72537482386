import { Foundation1764230400000 } from './1764230400000-foundation';
import { SourcesAndReceipts1764234000000 } from './1764234000000-sources-and-receipts';
import { Records1764237600000 } from './1764237600000-records';
import { PipelineOperations1764241200000 } from './1764241200000-pipeline-operations';
import { PortalSync1764244800000 } from './1764244800000-portal-sync';
import { AdminSearch1764248400000 } from './1764248400000-admin-search';
import { HeldItems1764252000000 } from './1764252000000-held-items';
import { SyncIndexes1764255600000 } from './1764255600000-sync-indexes';
import { SourceByteBudget1764259320000 } from './1764259320000-source-byte-budget';
import { ReceiptRecovery1764262800000 } from './1764262800000-receipt-recovery';
import { ReceiptBodyRetention1764266400000 } from './1764266400000-receipt-body-retention';
import { ReplayRuns1764270000000 } from './1764270000000-replay-runs';
import { ReceiptOrder1764273600000 } from './1764273600000-receipt-order';
import { ProvinceScope1764281700000 } from './1764281700000-province-scope';
import { CallbacksAndAlerts1764285360000 } from './1764285360000-callbacks-and-alerts';
import { ActivityMinutes1764288900000 } from './1764288900000-activity-minutes';
import { ReceiptMappedEnvelope1764292500000 } from './1764292500000-receipt-mapped-envelope';
import { Operations1764296100000 } from './1764296100000-operations';
import { FindingsWithoutHolder1764299700000 } from './1764299700000-findings-without-holder';
import { PrefixFindingsWithoutHolder1796437879609 } from './1796437879609-prefix-findings-without-holder';
import { OneBackfillPerSource1796439172975 } from './1796439172975-one-backfill-per-source';
import { ReplayReceiptEnds1796442000000 } from './1796442000000-replay-receipt-ends';
import { AnalyzeBigTablesSooner1796445000000 } from './1796445000000-analyze-big-tables-sooner';
import { ReceiptProcessedIndex1796445600000 } from './1796445600000-receipt-processed-index';

/**
 * Every migration, oldest first. Listed by hand (not globbed) so the bundled build carries them and
 * so the process knows exactly which schema versions it understands.
 */
export const MIGRATIONS = [
  Foundation1764230400000,
  SourcesAndReceipts1764234000000,
  Records1764237600000,
  PipelineOperations1764241200000,
  PortalSync1764244800000,
  AdminSearch1764248400000,
  HeldItems1764252000000,
  SyncIndexes1764255600000,
  SourceByteBudget1764259320000,
  ReceiptRecovery1764262800000,
  ReceiptBodyRetention1764266400000,
  ReplayRuns1764270000000,
  ReceiptOrder1764273600000,
  ProvinceScope1764281700000,
  CallbacksAndAlerts1764285360000,
  ActivityMinutes1764288900000,
  ReceiptMappedEnvelope1764292500000,
  Operations1764296100000,
  FindingsWithoutHolder1764299700000,
  PrefixFindingsWithoutHolder1796437879609,
  OneBackfillPerSource1796439172975,
  ReplayReceiptEnds1796442000000,
  AnalyzeBigTablesSooner1796445000000,
  ReceiptProcessedIndex1796445600000,
];
