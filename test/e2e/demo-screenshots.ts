/**
 * Screenshots of the demo federation for docs/screenshots/demo-*.png. Runnable by hand, not part of
 * the test suite (the demo sends for a minute first):
 *
 *   npm run build
 *   node test/bench/run-ts.js test/e2e/demo-screenshots.ts
 *
 * It starts the built demo (`dist/apps/demo/main.js --reset`) on ports and a database of its own
 * (hub :3300, portal :4300, Tây Ninh :4301, callbacks :4302, database txng_demo_shots, Redis prefix
 * txng-demo-shots; DEMO_PORT, DEMO_PORTAL_PORT, DEMO_POLL_PORT, DEMO_CALLBACK_PORT and
 * DEMO_DATABASE_URL move them),
 * lets the provinces send for DEMO_WAIT_SECONDS (60), takes the screenshots with headless Chromium
 * and stops the demo with SIGINT. With DEMO_URL and DEMO_TOKEN it uses a demo that already runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Page } from 'playwright-core';
import { feedFor } from '../../apps/province-sim/src/province-sim';
import { Rng } from '../../apps/province-sim/src/rng';
import { launchChromium } from '../support/admin-ui-browser';

const ROOT = join(__dirname, '..', '..');
const OUT = join(ROOT, 'docs', 'screenshots');
const SEED = 2025;
const PORT = Number(process.env.DEMO_PORT ?? 3300);
const WAIT_SECONDS = Number(process.env.DEMO_WAIT_SECONDS ?? 60);
/** The product the demo changes once (OCOP 5 sao and a photo): a record with two versions. */
const CHANGED_PRODUCT = 'gtin:08938521000013';
const say = (line: string): void => void process.stdout.write(`demo-screenshots: ${line}\n`);

function startDemo(token: string): Promise<ChildProcess> {
  const args = [
    join(ROOT, 'dist', 'apps', 'demo', 'main.js'),
    '--reset',
    '--seed',
    String(SEED),
    '--rate',
    '2',
    '--port',
    String(PORT),
    '--portal-port',
    process.env.DEMO_PORTAL_PORT ?? '4300',
    '--poll-port',
    process.env.DEMO_POLL_PORT ?? '4301',
    '--callback-port',
    process.env.DEMO_CALLBACK_PORT ?? '4302',
    '--database-url',
    process.env.DEMO_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/txng_demo_shots',
    '--redis-prefix',
    'txng-demo-shots',
    '--admin-token',
    token,
  ];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo did not start:\n${output}`)), 120_000);
    const read = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('demo federation is running')) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the demo exited (${code}):\n${output}`));
    });
  });
}

function stopDemo(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.removeAllListeners('exit');
    child.on('exit', () => resolve());
    child.kill('SIGINT');
  });
}

async function shoot(page: Page, name: string): Promise<void> {
  const path = join(OUT, `demo-${name}.png`);
  await page.screenshot({ path, fullPage: true });
  say(`wrote ${path}`);
}

async function screenshots(base: string, token: string): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'vi-VN' });
    page.setDefaultTimeout(30_000);
    await page.goto(`${base}/admin/`);
    await page.getByLabel('Mã truy cập (token)').fill(token);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByRole('heading', { name: 'Tổng quan' }).waitFor();

    // The overview with all five provinces (it refreshes every 5 s).
    await page.waitForFunction(() => {
      // Runs in the page; the project's type-check has no DOM library, so the page's globals are typed here.
      const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } })
        .document;
      return doc.querySelectorAll('section.province').length >= 5;
    });
    // The three activity charts drawn, so the page is as tall as it will be when the picture is taken.
    const activity = page.getByRole('region', { name: 'Hoạt động' });
    for (const n of [0, 1, 2]) await activity.getByRole('img').nth(n).locator('canvas').waitFor();
    await page.waitForLoadState('networkidle');
    await shoot(page, 'overview');

    await page.goto(`${base}/admin/rollout`);
    await page.getByTestId('rollout-syncing').waitFor();
    await shoot(page, 'rollout');

    // The KEY_CLAIMED conflict: its two sides with where each came from, and its field-by-field diff.
    await page.goto(`${base}/admin/conflicts`);
    const claimed = page.getByTestId('conflict').filter({ hasText: 'KEY_CLAIMED' }).first();
    await claimed.getByRole('table', { name: 'Hai bên của xung đột và nguồn gốc' }).waitFor();
    await claimed.getByRole('table', { name: 'So sánh từng trường của bản hiện có và bản mới' }).waitFor();
    await claimed.scrollIntoViewIfNeeded();
    await claimed.screenshot({ path: join(OUT, 'demo-conflicts.png') });
    say('wrote demo-conflicts.png');

    await page.goto(`${base}/admin/quarantine?status=quarantined`);
    await page.locator('details.group').first().waitFor();
    await shoot(page, 'quarantine');

    await page.goto(`${base}/admin/records/product/${encodeURIComponent(CHANGED_PRODUCT)}`);
    await page.getByRole('heading', { name: /Phiên bản 2/ }).waitFor();
    await shoot(page, 'record');

    await page.goto(`${base}/admin/sources`);
    await page.getByTestId('source-can-tho-nong-san').waitFor();
    await shoot(page, 'sources');

    // The mapping editor of Cần Thơ's source, previewing its first delivery of this seed.
    await page.goto(`${base}/admin/sources/can-tho-nong-san`);
    await page.getByLabel('Dữ liệu mẫu (json)').fill(feedFor('can-tho-nong-san', new Rng(SEED)).next(0).body);
    await page.getByTestId('preview-summary').waitFor();
    // The source's page goes on with its held records and callback deliveries: the picture stops
    // below the editor.
    await page.evaluate('window.scrollTo(0, 0)');
    const editor = await page.getByRole('region', { name: 'Ánh xạ dữ liệu' }).boundingBox();
    if (!editor) throw new Error('the mapping editor is not on the page');
    const path = join(OUT, 'demo-mapping-editor.png');
    await page.screenshot({
      path,
      fullPage: true,
      clip: { x: 0, y: 0, width: 1440, height: Math.ceil(editor.y + editor.height + 16) },
    });
    say(`wrote ${path}`);
  } finally {
    await browser.close();
  }
}

export async function main(): Promise<void> {
  if (process.env.DEMO_URL && process.env.DEMO_TOKEN) {
    await screenshots(process.env.DEMO_URL, process.env.DEMO_TOKEN);
    return;
  }
  const token = `shots_${randomBytes(16).toString('hex')}`;
  say(`starting the demo on :${PORT}…`);
  const demo = await startDemo(token);
  try {
    say(`the provinces send for ${WAIT_SECONDS} s…`);
    await new Promise((resolve) => setTimeout(resolve, WAIT_SECONDS * 1000));
    await screenshots(`http://127.0.0.1:${PORT}`, token);
  } finally {
    say('stopping the demo (SIGINT)…');
    await stopDemo(demo);
  }
}
