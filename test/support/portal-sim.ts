import { loadSimConfig } from '../../apps/portal-sim/src/config/sim-config';
import { startPortalSim, type RunningPortalSim } from '../../apps/portal-sim/src/create-portal-sim';

/** A simulator on a free port, quiet, without a rate limit unless asked. */
export async function startSim(env: Record<string, string> = {}): Promise<RunningPortalSim> {
  return startPortalSim(
    loadSimConfig({
      PORTAL_SIM_PORT: '0',
      PORTAL_SIM_LOG_LEVEL: 'silent',
      PORTAL_SIM_RATE_LIMIT: '0',
      ...env,
    }),
  );
}

/** The simulator's admin endpoints; a call the simulator refuses throws with its answer. */
export function simAdmin(sim: RunningPortalSim) {
  // Admin answers are read field by field in assertions.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const call = async (method: string, path: string, body?: unknown): Promise<any> => {
    const res = await fetch(sim.url + path, {
      method,
      headers: { 'x-sim-admin': 'sim-admin', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json: unknown = await res.json();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  return {
    stats: () => call('GET', '/__sim/stats'),
    /** Every version accepted from a batch, per key (`?provinceCode=` to narrow). */
    accepted: (provinceCode?: string) =>
      call('GET', `/__sim/accepted${provinceCode ? `?provinceCode=${provinceCode}` : ''}`),
    reset: () => call('POST', '/__sim/reset'),
    faults: (patch: Record<string, unknown>) => call('POST', '/__sim/faults', patch),
    putRecord: (kind: string, key: string, body: { version: number; data: unknown; provinceCode: string }) =>
      call('PUT', `/__sim/records/${kind}/${encodeURIComponent(key)}`, body),
    deleteRecord: (kind: string, key: string) =>
      call('DELETE', `/__sim/records/${kind}/${encodeURIComponent(key)}`),
    record: (kind: string, key: string) => sim.context.records.get(kind, key),
  };
}
