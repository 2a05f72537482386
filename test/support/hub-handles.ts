import { type INestApplication } from '@nestjs/common';
import { Queue } from 'bullmq';
import { Client } from 'pg';
import { type QueueName, redisConnectionOptions } from '@txng/queues';
import { type TestEnv } from './test-env';

/** What a test holds on a hub it started: its queues and database, each handle made once and closed together. */
export interface HubHandles {
  /** A BullMQ handle on one of this hub's queues (its Redis prefix). */
  queue(name: QueueName): Queue;
  /** A connected client on this hub's database. */
  db(): Promise<Client>;
  /** Ends every client and closes every queue handed out so far. */
  release(): Promise<void>;
}

export function hubHandles(env: TestEnv): HubHandles {
  const queues = new Map<QueueName, Queue>();
  const clients: Client[] = [];
  return {
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
    release: async () => {
      await Promise.all(clients.map((c) => c.end()));
      await Promise.all([...queues.values()].map((q) => q.close()));
    },
  };
}

/** Listens on a random loopback port; answers the base URL. */
export async function listenOnLoopback(app: INestApplication): Promise<string> {
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return `http://127.0.0.1:${address.port}`;
}
