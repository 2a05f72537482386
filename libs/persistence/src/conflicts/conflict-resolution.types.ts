import { type PipelineFinding } from '../pipeline/pipeline-store.types';

/**
 * The types a conflict's resolution speaks in with its store. They live here, below libs/pipeline
 * (whose operate/conflict-store.port.ts owns the port), because persistence cannot import its users
 * (docs/architecture.md, "Ports and their types"); libs/pipeline re-exports them.
 */

/** A conflict as the resolver reads it. */
export interface ConflictRef {
  id: string;
  code: string;
  kind: string;
  key: string;
  status: 'open' | 'resolved';
  existingVersionId: string | null;
  incomingVersionId: string;
}

/** A version a conflict names, as stored. */
export interface StoredVersion {
  id: string;
  kind: string;
  key: string;
  version: number | null;
  status: string;
  contentHash: string;
  claimant: string | null;
  eventId: string | null;
  sourceKey: string;
  data: unknown;
  findings: PipelineFinding[];
}

/** A record row under its lock: what it holds now. */
export interface LockedRecord {
  kind: string;
  key: string;
  latestVersion: number;
  latestVersionId: string | null;
  latestContentHash: string | null;
}

/** What an accepted arrival makes of its record. */
export interface RecordHead {
  version: number;
  versionId: string;
  contentHash: string;
  claimant: string | null;
  sourceKey: string;
  /** The record's own province when it names one; else the record keeps its province. */
  provinceCode: string | null;
}
