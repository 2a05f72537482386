/**
 * Errors the rules raise in the domain's words, with nothing of HTTP in them: the libraries throw
 * these, and each app says at its edge what they become (the gateway: apps/gateway/src/http/
 * domain-errors.ts, one mapping to statuses and the error codes of hub-interface.md).
 */
export abstract class DomainError extends Error {
  constructor(
    message: string,
    readonly details: unknown[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** What was asked for does not exist (or lies outside what the caller may see). */
export class NotFoundError extends DomainError {
  constructor(readonly what: string) {
    super(`${what} was not found.`);
  }
}

/** What was asked for does not fit what the hub holds now (already done, or overtaken). */
export class InvalidStateError extends DomainError {}
