import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { closeOnSignals, runMain } from '@txng/common';
import { migrateDatabase } from '@txng/persistence';
import { Logger } from 'nestjs-pino';
import { WorkerAppModule } from './worker-app.module';

runMain('worker', async (config) => {
  await migrateDatabase(config.databaseUrl);
  const app = await NestFactory.createApplicationContext(WorkerAppModule.forRoot(config), {
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  await app.init();
  closeOnSignals(app, (message) => process.stdout.write(`txng-hub worker: ${message}\n`));
  process.stdout.write('txng-hub worker running\n');
});
