import { type INestApplication } from '@nestjs/common';
import { Queue } from 'bullmq';
import { Client } from 'pg';
import { migrateDatabase } from '@txng/persistence';
import { type QueueName, redisConnectionOptions } from '@txng/queues';
import { createGateway } from '../../apps/gateway/src/create-gateway';
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
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const queues = new Map<QueueName, Queue>();
  const clients: Client[] = [];
  return {
    app,
    env,
    url: `http://127.0.0.1:${address.port}`,
    queue: (name) => {
      let queue = queues.get(name);
      if (!queue) {
        queue = new Queue(name, {
          connection: redisConnectionOptions(env.config.redisUrl),
          prefix: `${env.redisPrefix}:bull`,
        });
        queues.set(name, queue);
      }
      return queue;
    },
    db: async () => {
      const client = new Client({ connectionString: env.databaseUrl });
      await client.connect();
      clients.push(client);
      return client;
    },
    close: async () => {
      await Promise.all(clients.map((c) => c.end()));
      await Promise.all([...queues.values()].map((q) => q.close()));
      await app.close();
      await env.dispose();
    },
  };
}
