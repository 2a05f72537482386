import { type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { type AddressInfo } from 'node:net';
import { MAX_BATCH_BYTES } from './batch/batch-envelope';
import { type SimConfig } from './config/sim-config';
import { PortalSimModule } from './portal-sim.module';
import { SimContext } from './state/sim-context';

export interface RunningPortalSim {
  app: INestApplication;
  context: SimContext;
  /** e.g. http://127.0.0.1:4100 (the real port when config.port was 0). */
  url: string;
  close(): Promise<void>;
}

/**
 * Builds and starts the simulator; main.ts and the tests run exactly this wiring. The body limit
 * is the contract's 5 MiB, so a bigger batch is answered 413 by the parser itself.
 */
export async function startPortalSim(config: SimConfig): Promise<RunningPortalSim> {
  const context = new SimContext(config);
  const app = await NestFactory.create<NestExpressApplication>(PortalSimModule.forRoot(context), {
    bufferLogs: true,
    abortOnError: false,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  app.set('etag', false);
  app.useBodyParser('json', { limit: MAX_BATCH_BYTES });
  app.useBodyParser('urlencoded', { extended: false, limit: '16kb' });
  await app.listen(config.port, config.host);
  const address = app.getHttpServer().address() as AddressInfo;
  return { app, context, url: `http://${config.host}:${address.port}`, close: () => app.close() };
}
