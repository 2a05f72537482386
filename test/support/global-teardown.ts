import { deleteRedisKeys, runId, withAdmin } from './services';

/** Removes whatever a crashed or interrupted test file of this run left behind. */
export default async function globalTeardown(): Promise<void> {
  const prefix = `txng_t_${runId()}_`;
  const rows = await withAdmin((c) =>
    c.query<{ datname: string }>('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [prefix]),
  );
  for (const { datname } of rows.rows) {
    await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`));
  }
  await deleteRedisKeys(`txng-test-${runId()}-*`);
}
