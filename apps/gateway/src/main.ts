import 'reflect-metadata';
import { closeOnSignals, runMain } from '@txng/common';
import { migrateDatabase } from '@txng/persistence';
import { withDevelopmentAdminToken } from './auth/development-admin-token';
import { createGateway } from './create-gateway';
import { listenGateway } from './listen-gateway';
import { probePortal } from './health/health.controller';
import { PORTAL_CLIENTS, type PortalClients } from '@txng/portal-client';

runMain('gateway', async (validated) => {
  const { config, tokenFile } = withDevelopmentAdminToken(validated);
  const withWorkers = process.argv.includes('--with-workers');
  await migrateDatabase(config.databaseUrl);
  const app = await createGateway(config, { withWorkers });
  const { url, notice } = await listenGateway(app, config, { adminToken: tokenFile !== null });
  closeOnSignals(app, (message) => process.stdout.write(`txng-hub gateway: ${message}\n`));
  process.stdout.write(
    `txng-hub ${withWorkers ? 'gateway + workers' : 'gateway'} listening on ${url} ` +
      `(operators ${url}/admin, health ${url}/health/ready, API docs ${url}/docs)\n`,
  );
  if (notice) process.stdout.write(`txng-hub gateway: ${notice}\n`);
  if (tokenFile) {
    process.stdout.write(
      `txng-hub gateway: HUB_ADMIN_TOKEN is not set; a development admin token is in ${tokenFile}\n`,
    );
  }
  // Say at once when the portal is not there: records then wait for sync, and products for the
  // prefix registry, which a newcomer would otherwise only find in the records' status.
  void probePortal(app.get<PortalClients>(PORTAL_CLIENTS).production).then((probe) => {
    if (!probe.reachable) {
      process.stdout.write(
        `txng-hub gateway: the National Portal at ${config.portal.baseUrl} does not answer (${probe.error}); ` +
          'the hub keeps receiving, and records wait for it (npm run start:portal-sim starts the bundled simulator)\n',
      );
    }
  });
});
