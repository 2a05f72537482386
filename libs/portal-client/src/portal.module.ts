import { Global, Module } from '@nestjs/common';
import { HUB_CONFIG, type HubConfig } from '@txng/common';
import { PortalClient } from './portal-client';
import { type PortalClientOptions } from './portal-client.options';

/** Where a source's records go: `active` sources to production, `testing` sources to the sandbox. */
export type PortalTarget = 'production' | 'sandbox';

/** The process's portal clients; `sandbox` is null when PORTAL_SANDBOX_BASE_URL is not set. */
export interface PortalClients {
  production: PortalClient;
  sandbox: PortalClient | null;
}

export const PORTAL_CLIENTS = Symbol('PORTAL_CLIENTS');
/** Optional overrides (tests shorten retries and cool-downs); absent in production. */
export const PORTAL_CLIENT_OPTIONS = Symbol('PORTAL_CLIENT_OPTIONS');

export function createPortalClients(config: HubConfig, options: PortalClientOptions = {}): PortalClients {
  return {
    production: new PortalClient(config.portal, options),
    sandbox: config.portalSandbox ? new PortalClient(config.portalSandbox, options) : null,
  };
}

/** One PortalClient per portal endpoint per process (token cache, rate and in-flight limits are per client). */
@Global()
@Module({
  providers: [
    {
      provide: PORTAL_CLIENTS,
      inject: [HUB_CONFIG, { token: PORTAL_CLIENT_OPTIONS, optional: true }],
      useFactory: (config: HubConfig, options?: PortalClientOptions) => createPortalClients(config, options ?? {}),
    },
  ],
  exports: [PORTAL_CLIENTS],
})
export class PortalModule {}
