import { type INestApplication } from '@nestjs/common';
import { type Queue } from 'bullmq';
import { type Client } from 'pg';
import { migrateDatabase } from '@txng/persistence';
import { type QueueName } from '@txng/queues';
import { createGateway } from '../../apps/gateway/src/create-gateway';
import { hubHandles, listenOnLoopback } from './hub-handles';
import { createTestEnv, type TestEnv } from './test-env';

export interface GatewayHarness {
  app: INestApplication;
  env: TestEnv;
  /** Base URL of the listening server (a random free port). */
  url: string;
  /** A BullMQ handle on one of this hub's queues (its Redis prefix), closed with the harness. */
  queue(name: QueueName): Queue;
  /** A connected client on this hub's database, closed with the harness. */
  db(): Promise<Client>;
  close(): Promise<void>;
}

/** A real gateway (optionally with workers) on its own database and Redis prefix, listening on loopback. */
export async function startGateway(
  options: { withWorkers?: boolean; env?: Record<string, string> } = {},
): Promise<GatewayHarness> {
  const env = await createTestEnv(options.env);
  await migrateDatabase(env.databaseUrl);
  const app = await createGateway(env.config, { withWorkers: options.withWorkers ?? false });
  const url = await listenOnLoopback(app);
  const handles = hubHandles(env);
  return {
    app,
    env,
    url,
    queue: handles.queue,
    db: handles.db,
    close: async () => {
      await handles.release();
      await app.close();
      await env.dispose();
    },
  };
}
