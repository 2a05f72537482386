import { type NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { migrateDatabase } from '@txng/persistence';
import {
  CircuitBreakerRegistry,
  createPortalClients,
  PORTAL_CLIENTS,
  type PortalClientOptions,
  type PortalClients,
} from '@txng/portal-client';
import { loadSyncOptions, SYNC_OPTIONS, type SyncOptions } from '@txng/jobs';
import express, { type NextFunction, type Request, type Response } from 'express';
import { Logger } from 'nestjs-pino';
import { GatewayModule } from '../../apps/gateway/src/gateway.module';
import { RAW_BODY_ROUTES } from '../../apps/gateway/src/webhooks/raw-body';
import { type RunningPortalSim } from '../../apps/portal-sim/src/create-portal-sim';
import { type GatewayHarness } from './gateway-harness';
import { hubHandles, listenOnLoopback } from './hub-handles';
import { createTestEnv, type TestEnv } from './test-env';

// The sync specs (and benchmarks) take the simulator helpers from here too.
export { simAdmin, startSim } from './portal-sim';

/** Short intervals so sync tests take seconds: tick and linger 100 ms, backoff from 50 ms. */
export const FAST_SYNC: Partial<SyncOptions> = {
  tickMs: 100,
  lingerMs: 100,
  backoffBaseMs: 50,
  backoffMaxMs: 400,
  leaseMs: 60_000,
  reconcileEveryMs: 0,
};

/** Client retries and breaker cool-down shortened the same way; a breaker registry per hub. */
export const FAST_PORTAL: PortalClientOptions = {
  timeoutMs: 3000,
  ratePerSecond: 1000,
  retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 50, max429Waits: 2, maxRetryAfterMs: 100 },
  breaker: { failureThreshold: 3, cooldownMs: 300 },
};

export interface SyncHub extends GatewayHarness {
  clients: PortalClients;
  /** Stops the app (the "crash"); the database and Redis keys stay for a restart. */
  stop(): Promise<void>;
}

/**
 * The gateway with every worker in one process (as `npm start`), talking to `sim`, with the
 * portal clients and sync options overridden for speed. Pass `env` from a previous hub to restart
 * on the same database and Redis prefix.
 */
export async function startSyncHub(
  sim: RunningPortalSim,
  options: {
    sync?: Partial<SyncOptions>;
    portal?: PortalClientOptions;
    env?: TestEnv;
    hubEnv?: Record<string, string>;
  } = {},
): Promise<SyncHub> {
  const env =
    options.env ??
    (await createTestEnv({
      PORTAL_BASE_URL: sim.url,
      PORTAL_CLIENT_ID: 'txng-hub-dev',
      PORTAL_CLIENT_SECRET: 'txng-hub-dev-secret',
      ...options.hubEnv,
    }));
  await migrateDatabase(env.databaseUrl);
  const clients = createPortalClients(env.config, {
    ...FAST_PORTAL,
    breakers: new CircuitBreakerRegistry(),
    ...options.portal,
  });
  const moduleRef = await Test.createTestingModule({
    imports: [GatewayModule.forRoot(env.config, { withWorkers: true })],
  })
    .overrideProvider(PORTAL_CLIENTS)
    .useValue(clients)
    .overrideProvider(SYNC_OPTIONS)
    .useValue(loadSyncOptions({}, { ...FAST_SYNC, ...options.sync }))
    .compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  const json = express.json({ limit: '2mb', type: ['application/json', 'application/*+json'] });
  app.use((req: Request, res: Response, next: NextFunction) =>
    RAW_BODY_ROUTES.test(req.path) ? next() : json(req, res, next),
  );
  const url = await listenOnLoopback(app);
  const handles = hubHandles(env);
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await handles.release();
    await app.close();
    await clients.production.close();
    await clients.sandbox?.close();
  };
  return {
    app,
    env,
    url,
    clients,
    queue: handles.queue,
    db: handles.db,
    stop,
    close: async () => {
      await stop();
      await env.dispose();
    },
  };
}

/** Polls `check` until it returns a truthy value; fails with the last value after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T>,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await check();
    if (last) return last;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what} not reached within ${timeoutMs} ms (last: ${JSON.stringify(last)})`);
}
