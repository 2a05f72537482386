import { type Server } from 'node:http';
import { type AddressInfo, isIP } from 'node:net';
import { type INestApplication } from '@nestjs/common';
import { type HubConfig } from '@txng/common';

const LOOPBACK = '127.0.0.1';

/** What `listenGateway` did: the address a browser on this machine uses, and why it may differ from HOST. */
export interface Listening {
  url: string;
  host: string;
  /** A sentence for the start output when HOST was overridden, else null. */
  notice: string | null;
}

/**
 * Development defaults (a generated HUB_SECRET_KEY, a generated admin token) are fit for one person's
 * machine and nothing else, so while the gateway runs on them it listens on loopback only, whatever
 * HOST says. With both secrets configured (or outside development), HOST is obeyed; unset, the
 * gateway listens on every interface as before (containers need that).
 */
export function gatewayHost(
  config: HubConfig,
  defaults: { adminToken: boolean },
): { host: string | undefined; notice: string | null } {
  const inUse = [
    ...(config.secretKeyGenerated ? ['HUB_SECRET_KEY'] : []),
    ...(defaults.adminToken ? ['HUB_ADMIN_TOKEN'] : []),
  ];
  if (config.nodeEnv !== 'development' || inUse.length === 0)
    return { host: config.host ?? undefined, notice: null };
  const asked = config.host;
  const notice =
    asked !== null && !isLoopback(asked)
      ? `HOST=${asked} is ignored: ${inUse.join(' and ')} ${inUse.length > 1 ? 'are' : 'is'} not set, so the gateway ` +
        `runs on development defaults and listens on ${LOOPBACK} only (set ${inUse.join(' and ')} to listen elsewhere)`
      : null;
  return { host: asked !== null && isLoopback(asked) ? asked : LOOPBACK, notice };
}

function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost' || bare === '::1') return true;
  return isIP(bare) === 4 && bare.startsWith('127.');
}

/** Listens on `config.port` at the address `gatewayHost` picks. */
export async function listenGateway(
  app: INestApplication,
  config: HubConfig,
  defaults: { adminToken: boolean },
): Promise<Listening> {
  const { host, notice } = gatewayHost(config, defaults);
  if (host === undefined) await app.listen(config.port);
  else await app.listen(config.port, host);
  const server = app.getHttpServer() as Server;
  const address = server.address() as AddressInfo;
  const shown = host === undefined || host === '0.0.0.0' || host === '::' ? LOOPBACK : host;
  return {
    url: `http://${isIP(shown) === 6 ? `[${shown}]` : shown}:${address.port}`,
    host: address.address,
    notice,
  };
}
