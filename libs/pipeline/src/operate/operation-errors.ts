import { InvalidStateError } from '@txng/common';

export { InvalidStateError, NotFoundError } from '@txng/common';

/** Of two resolutions of one conflict, the second (or one of a conflict resolved long ago). */
export class ConflictAlreadyResolvedError extends InvalidStateError {
  constructor(readonly conflictId: string) {
    super(`Conflict ${conflictId} is already resolved.`);
  }
}

/** The conflict's incoming record moved on (replayed, or judged again) since the conflict was raised. */
export class ConflictOutdatedError extends InvalidStateError {
  constructor(
    readonly conflictId: string,
    incomingStatus: string,
  ) {
    super(
      `Conflict ${conflictId} no longer matches what the hub holds (its incoming record is ${incomingStatus}).`,
    );
  }
}

/** accept-incoming of content the key already holds as its latest version. */
export class ConflictStaleError extends InvalidStateError {
  constructor(
    readonly conflictId: string,
    kind: string,
    key: string,
    latestVersion: number,
  ) {
    super(
      `Conflict ${conflictId} is stale: ${kind} ${key} already holds this content as version ${latestVersion}. Resolve it keep-existing.`,
    );
  }
}
