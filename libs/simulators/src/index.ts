/*
 * What starting the province simulator takes (apps/province-sim, started alone or by apps/demo):
 * which sources it plays and the environment variables that carry their secrets. Pure constants, so
 * that the simulator and whoever starts it share them without one app importing another.
 */

/** The sources the province simulator pushes signed webhooks for (config/sources/<key>.yaml). */
export const WEBHOOK_SOURCES = [
  'can-tho-nong-san',
  'vinh-long-tra-vinh',
  'ca-mau-tom',
  'cao-bang-csv',
] as const;
/** The source whose records API the simulator serves and the hub polls. */
export const POLL_SOURCE = 'tay-ninh-long-an';
export const ALL_SOURCES = [...WEBHOOK_SOURCES, POLL_SOURCE] as const;

/** The environment variable that carries a webhook source's secret, e.g. PROVINCE_SIM_SECRET_CA_MAU_TOM. */
export const secretVariable = (sourceKey: string): string =>
  `PROVINCE_SIM_SECRET_${sourceKey.toUpperCase().replace(/-/g, '_')}`;
/** The environment variable that carries the API key of the simulated Tây Ninh records API. */
export const API_KEY_VARIABLE = 'PROVINCE_SIM_TAY_NINH_API_KEY';

/**
 * The source whose province also listens for the hub's signed callbacks (Cần Thơ): the demo gives
 * it a callback URL on loopback, and the simulator verifies and reports what it is told there.
 */
export const CALLBACK_SOURCE = 'can-tho-nong-san';
/** The path of that callback URL on the simulator's callback port. */
export const CALLBACK_PATH = '/txng/callbacks';
/** The environment variable that carries that source's callback secret (whsec_…). */
export const CALLBACK_SECRET_VARIABLE = 'PROVINCE_SIM_CALLBACK_SECRET';
