import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { type RunningPortalSim } from '../../apps/portal-sim/src/create-portal-sim';
import { admin, ADMIN_TOKEN } from './admin-client';
import { launchChromium } from './admin-ui-browser';
import { startSim } from './portal-sim';
import { freePort } from './ports';
import { hubProcessEnv, startBuilt, type RunningProcess } from './processes';
import { createTestEnv, type TestEnv } from './test-env';

const ROOT = join(__dirname, '..', '..');
const UI_DIST = join(ROOT, 'dist', 'admin-ui', 'index.html');
/** SCREENSHOTS=1 saves the screens a spec names to docs/screenshots/. */
const SHOTS = process.env.SCREENSHOTS === '1' ? join(ROOT, 'docs', 'screenshots') : null;

export interface AdminUiRigOptions<P extends boolean> {
  /**
   * Start the portal simulator and point the hub at it. Without it the hub syncs nowhere and does not
   * hold products back for the prefix registry (PREFIX_REGISTRY_CHECK=off, unless `hubEnv` says).
   */
  portal: P;
  /** More variables for the hub process (tuning knobs: batch sizes, check periods...). */
  hubEnv?: Record<string, string>;
}

export interface AdminUiRig<P extends boolean = boolean> {
  /** The hub's address, http://127.0.0.1:PORT; the UI is at `${base}/admin/`. */
  base: string;
  hub: RunningProcess;
  env: TestEnv;
  sim: P extends true ? RunningPortalSim : null;
  browser: Browser;
  /** supertest against the hub with the bootstrap admin token. */
  admin: ReturnType<typeof admin>;
  /** fetch against the operator API with a token (the bootstrap admin's unless given), JSON body. */
  api(method: string, path: string, body?: unknown, token?: string): Promise<Response>;
  /** A new page in Vietnamese, 1280×900, waiting `defaultTimeout` ms (15 s unless given) for what it looks for. */
  newPage(options?: { defaultTimeout?: number }): Promise<Page>;
  /** Signs in at /admin/ with `token` (the bootstrap admin's unless given) and waits for the overview. */
  signIn(page: Page, token?: string): Promise<void>;
  /** With SCREENSHOTS=1, saves the page (whole unless `fullPage: false`) as docs/screenshots/<name>.png. */
  shot(page: Page, name: string, options?: { fullPage?: boolean }): Promise<void>;
  /** Closes the browser, stops the hub and the simulator, drops the test database and Redis keys. */
  close(): Promise<void>;
}

/**
 * What a Chromium spec of the admin UI runs against: the built hub (gateway with workers, `npm run
 * build` first) on its own database and Redis prefix, the portal simulator if asked, and headless
 * Chromium. Call it in beforeAll and `rig?.close()` in afterAll; if starting fails half-way, what
 * had started is stopped before the error is thrown.
 */
export async function startAdminUiRig<P extends boolean>(
  options: AdminUiRigOptions<P>,
): Promise<AdminUiRig<P>> {
  if (!existsSync(UI_DIST)) throw new Error(`${UI_DIST} is missing: run \`npm run build\` first`);
  if (SHOTS) mkdirSync(SHOTS, { recursive: true });
  const closers: Array<() => Promise<unknown>> = [];
  const close = async (): Promise<void> => {
    for (const closer of closers.splice(0).reverse()) await closer();
  };
  try {
    const sim = options.portal ? await startSim() : null;
    if (sim) closers.push(() => sim.close());
    const env = await createTestEnv();
    closers.push(() => env.dispose());
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const hub = startBuilt(
      'gateway',
      ['--with-workers'],
      hubProcessEnv(env, {
        PORT: String(port),
        HUB_ADMIN_TOKEN: ADMIN_TOKEN,
        HUB_SECRET_KEY: 'test-secret-key-0123456789abcdefghijklmnop',
        ...(sim
          ? {
              PORTAL_BASE_URL: sim.url,
              PORTAL_CLIENT_ID: 'txng-hub-dev',
              PORTAL_CLIENT_SECRET: 'txng-hub-dev-secret',
            }
          : { PREFIX_REGISTRY_CHECK: 'off' }),
        ...options.hubEnv,
      }),
    );
    closers.push(() => hub.stop());
    await hub.waitFor(/listening on/);
    const browser = await launchChromium();
    closers.push(() => browser.close());

    return {
      base,
      hub,
      env,
      sim: sim as AdminUiRig<P>['sim'],
      browser,
      admin: admin(base),
      api: (method, path, body, token = ADMIN_TOKEN) =>
        fetch(`${base}${path}`, {
          method,
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        }),
      newPage: async ({ defaultTimeout = 15_000 } = {}) => {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
        page.setDefaultTimeout(defaultTimeout);
        return page;
      },
      signIn: async (page, token = ADMIN_TOKEN) => {
        await page.goto(`${base}/admin/`);
        await page.getByLabel('Mã truy cập (token)').fill(token);
        await page.getByRole('button', { name: 'Đăng nhập' }).click();
        await page.getByRole('heading', { name: 'Tổng quan' }).waitFor();
      },
      shot: async (page, name, { fullPage = true } = {}) => {
        if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
      },
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}

/**
 * Reads until `ok` holds (the UI polls and the workers run asynchronously); fails with the last
 * value read.
 */
export async function until<T>(
  read: () => Promise<T>,
  ok: (value: T) => boolean,
  what: string,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${what}: still ${JSON.stringify(last)} after ${timeoutMs} ms`);
}
