import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { admin, ADMIN_TOKEN } from '../support/admin-client';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { freePort } from '../support/ports';
import { hubProcessEnv, startBuilt } from '../support/processes';

/** No HUB_SECRET_KEY: one case checks that NODE_ENV=production refuses to start without it. */
const hubEnv = (env: TestEnv, port: number): Record<string, string> =>
  hubProcessEnv(env, { PORT: String(port), PREFIX_REGISTRY_CHECK: 'off' });

describe('hub processes as built (dist/)', () => {
  let env: TestEnv;

  beforeAll(async () => {
    env = await createTestEnv();
  });
  afterAll(async () => {
    await env.dispose();
  });

  it.each([
    ['PORT', { PORT: 'abc' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://root@127.0.0.1/hub' }],
    ['REDIS_URL', { REDIS_URL: 'localhost:6379' }],
    ['HUB_SECRET_KEY', { NODE_ENV: 'production', HUB_ADMIN_TOKEN: 'a-long-enough-admin-token' }],
  ])('stops at once with a message naming %s', async (variable, bad) => {
    const proc = startBuilt('gateway', [], { ...hubEnv(env, 1), ...bad });
    // A generous wait: "at once" means before connecting to anything, not within a time on a busy machine.
    const code = await proc.exited(30_000);
    expect(code).toBe(78);
    expect(proc.output()).toContain(`${variable}:`);
  });

  it('stops with a message naming DATABASE_URL when PostgreSQL cannot be reached', async () => {
    const proc = startBuilt('gateway', [], {
      ...hubEnv(env, 1),
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/hub',
    });
    expect(await proc.exited(10_000)).toBe(1);
    expect(proc.output()).toContain('DATABASE_URL=postgres://postgres@127.0.0.1:1/hub');
  });

  it('starts gateway + workers in one process, is ready, and exits cleanly on SIGTERM', async () => {
    const port = await freePort();
    const proc = startBuilt('gateway', ['--with-workers'], hubEnv(env, port));
    try {
      await proc.waitFor(/listening on/);
      const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
      expect(ready.status).toBe(200);
    } finally {
      expect(await proc.stop('SIGTERM')).toBe(0);
    }
  });

  it('runs mappings in its sandbox process as built: helpers work, a runaway one is stopped while /health/live answers', async () => {
    const port = await freePort();
    const proc = startBuilt('gateway', [], { ...hubEnv(env, port), HUB_ADMIN_TOKEN: ADMIN_TOKEN });
    const url = `http://127.0.0.1:${port}`;
    try {
      await proc.waitFor(/listening on/);
      await admin(url)
        .post('/v1/admin/sources', {
          key: 'e2e-sandbox',
          provinceCode: '92',
          name: 'Nguồn kiểm thử sandbox',
          kind: 'webhook',
          format: 'json',
          mapping: { language: 'jsonata', expression: '{"products": [{"gtin": $gtin14(g)}]}' },
        })
        .expect(201);
      const ordinary = await admin(url)
        .post('/v1/admin/sources/e2e-sandbox/preview', { g: '8936012000016' })
        .expect(200);
      expect(ordinary.body.records[0]).toMatchObject({ key: 'gtin:08936012000016' });

      let answeredAt = 0;
      const runaway = admin(url)
        .post('/v1/admin/sources/e2e-sandbox/preview-draft', {
          expression: `($match("${'a'.repeat(30)}!", /(a+)+$/); {})`,
          sample: '{}',
        })
        .then((res) => {
          answeredAt = Date.now();
          return res;
        });
      await new Promise((resolve) => setTimeout(resolve, 300)); // the preview is under way
      const asked = Date.now();
      expect((await fetch(`${url}/health/live`)).status).toBe(200);
      expect(Date.now() - asked).toBeLessThan(1000);
      expect(answeredAt).toBe(0);
      const res = await runaway;
      expect(res.status).toBe(200);
      expect(res.body.findings).toEqual([expect.objectContaining({ code: 'MAPPING_TIMEOUT' })]);
    } finally {
      expect(await proc.stop('SIGTERM')).toBe(0);
    }
  });

  it('on development defaults: keeps its own key in .txng/ (the worker finds it), listens on loopback whatever HOST says', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'txng-dev-'));
    const port = await freePort();
    // Neither HUB_SECRET_KEY nor HUB_ADMIN_TOKEN: the development defaults.
    const development = { ...hubEnv(env, port), NODE_ENV: 'development', HOST: '0.0.0.0' };
    const gateway = startBuilt('gateway', [], development, { cwd: dir });
    try {
      await gateway.waitFor(/listening on/);
      const keyFile = join(dir, '.txng', 'secret-key');
      const key = readFileSync(keyFile, 'utf8').trim();
      expect(key.length).toBeGreaterThanOrEqual(32);
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      expect(statSync(join(dir, '.txng')).mode & 0o777).toBe(0o700);
      const said = gateway.output();
      expect(said).toContain(`development key made now in ${keyFile}`);
      expect(said).toContain(`listening on http://127.0.0.1:${port}`);
      expect(said).toContain('HOST=0.0.0.0 is ignored');
      expect(said).toContain(join(dir, '.txng', 'admin-token'));
      expect(said).not.toContain(key);
      expect(said).not.toContain(readFileSync(join(dir, '.txng', 'admin-token'), 'utf8').trim());
      expect((await fetch(`http://127.0.0.1:${port}/health/live`)).status).toBe(200);

      const worker = startBuilt('worker', [], { ...hubEnv(env, 1), NODE_ENV: 'development' }, { cwd: dir });
      await worker.waitFor(/worker running/);
      expect(worker.output()).toContain(`development key kept in ${keyFile}`);
      expect(await worker.stop('SIGTERM')).toBe(0);
      expect(readFileSync(keyFile, 'utf8').trim()).toBe(key);
    } finally {
      expect(await gateway.stop('SIGTERM')).toBe(0);
    }
  });

  it('runs a worker process that exits cleanly on SIGTERM', async () => {
    const proc = startBuilt('worker', [], hubEnv(env, 1));
    await proc.waitFor(/worker running/);
    expect(await proc.stop('SIGTERM')).toBe(0);
  });

  it('migrates from the command line', async () => {
    const proc = startBuilt('cli', ['migrate'], hubEnv(env, 1));
    expect(await proc.exited()).toBe(0);
    expect(proc.output()).toMatch(/schema is up to date|applied/);
  });
});
