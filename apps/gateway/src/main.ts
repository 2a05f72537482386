import 'reflect-metadata';
import { closeOnSignals, runMain } from '@txng/common';
import { migrateDatabase } from '@txng/persistence';
import { createGateway } from './create-gateway';

runMain('gateway', async (config) => {
  const withWorkers = process.argv.includes('--with-workers');
  await migrateDatabase(config.databaseUrl);
  const app = await createGateway(config, { withWorkers });
  await app.listen(config.port);
  closeOnSignals(app, (message) => process.stdout.write(`txng-hub gateway: ${message}\n`));
  const url = `http://127.0.0.1:${config.port}`;
  process.stdout.write(
    `txng-hub ${withWorkers ? 'gateway + workers' : 'gateway'} listening on ${url} ` +
      `(health ${url}/health/ready, API docs ${url}/docs)\n`,
  );
});
