interface Closable {
  close(): Promise<void>;
}

/** Longer than any job should take; a stuck shutdown is worse than a retried job. */
const SHUTDOWN_TIMEOUT_MS = 30_000;

/**
 * SIGTERM or SIGINT: stop taking work, let in-flight requests and jobs finish (Nest closes the HTTP
 * server, then BullMQ workers wait for their active jobs, then connections close), and exit 0. A
 * second signal, or a shutdown slower than the timeout, exits 1 at once.
 */
export function closeOnSignals(app: Closable, log: (message: string) => void): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (closing) {
      log(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    closing = true;
    log(`${signal}: finishing in-flight work, then exiting`);
    const timer = setTimeout(() => {
      log(`shutdown took longer than ${SHUTDOWN_TIMEOUT_MS} ms: exiting`);
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log(`shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
