import { type INestApplication } from '@nestjs/common';
import { createGateway } from '../../apps/gateway/src/create-gateway';
import { migrateDatabase } from '@txng/persistence';
import { createTestEnv, type TestEnv } from './test-env';

export interface GatewayHarness {
  app: INestApplication;
  env: TestEnv;
  /** Base URL of the listening server (a random free port). */
  url: string;
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
  return {
    app,
    env,
    url: `http://127.0.0.1:${address.port}`,
    close: async () => {
      await app.close();
      await env.dispose();
    },
  };
}
