import { type Page } from 'playwright-core';
import { createActiveSource } from '../support/admin-client';
import { startAdminUiRig, type AdminUiRig } from '../support/admin-ui-rig';
import { passThroughSource, sendWebhook } from '../support/webhook-sources';

const SOURCE = 'op-can-tho';
const RECEIPTS = 6;

/** A GTIN-13 whose check digit is wrong: the record is quarantined (GTIN_FORMAT). */
const badGtin = (n: number): string => {
  const body = `8935049${String(700 + n).padStart(5, '0')}`;
  let sum = 0;
  for (let i = 0; i < 12; i += 1) sum += Number(body[i]) * (i % 2 === 0 ? 1 : 3);
  return `${body}${(((10 - (sum % 10)) % 10) + 1) % 10}`;
};

/*
 * Long work in the interface (docs/operations.md, "Long work"): a bulk replay started from the
 * quarantine screen shows its progress (bar, done of total, percent), an operator stops it, and the
 * operations list shows it stopped. The hub replays one receipt per batch with a pause between
 * batches (OPERATION_BATCH, OPERATION_PAUSE_MS), so there is progress to watch.
 */
describe('admin UI: progress and cancel of a bulk replay in headless Chromium against the built hub', () => {
  let rig: AdminUiRig<false>;
  let base: string;
  let page: Page;

  beforeAll(async () => {
    rig = await startAdminUiRig({
      portal: false,
      hubEnv: { RECEIPT_BODY_RETENTION_DAYS: 'off', OPERATION_BATCH: '1', OPERATION_PAUSE_MS: '2000' },
    });
    base = rig.base;
    const secret = await createActiveSource(base, passThroughSource(SOURCE, '92', 'Nông sản Cần Thơ'));
    for (let n = 0; n < RECEIPTS; n += 1) {
      await sendWebhook(base, SOURCE, secret, {
        products: [
          {
            gtin: badGtin(n),
            name: `Gạo sai mã ${n}`,
            ownerTaxCode: '0301234567',
            netContent: { value: 5, uom: 'KGM' },
          },
        ],
      });
    }
    page = await rig.newPage({ defaultTimeout: 20_000 });
    page.on('dialog', (dialog) => void dialog.accept());
    await rig.signIn(page);
  });

  afterAll(async () => {
    await rig?.close();
  });

  it('starts a bulk replay from the quarantine screen, shows it moving, and stops it', async () => {
    await page.goto(`${base}/admin/quarantine?status=quarantined&source=${SOURCE}`);
    // Every receipt judged: the GTIN_FORMAT group holds all six records.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const group = page.getByTestId('group-GTIN_FORMAT').locator(':scope > summary');
      const text = (await group.count()) > 0 ? ((await group.textContent()) ?? '') : '';
      if (text.includes(`— ${RECEIPTS} `)) break;
      if (Date.now() > deadline) throw new Error(`quarantine group still "${text}"`);
      await page.waitForTimeout(1000);
      await page.reload();
    }

    await page.getByRole('button', { name: 'Xử lý lại theo ánh xạ hiện tại' }).click();
    const progress = page.getByTestId('operation-progress');
    await progress.waitFor();
    await progress.getByText('Xử lý lại', { exact: true }).waitFor();
    // It moves: the bar and the figures read done of total while it runs.
    await page
      .locator('[data-testid="operation-progress"][data-state="running"]')
      .waitFor({ timeout: 60_000 });
    await progress
      .getByTestId('operation-figures')
      .getByText(new RegExp(`^[1-5]/${RECEIPTS} mục · \\d+%`))
      .waitFor({ timeout: 60_000 });
    const bar = progress.getByRole('progressbar', { name: 'Tiến độ: Xử lý lại' });
    expect(Number(await bar.getAttribute('value'))).toBeGreaterThan(0);
    expect(Number(await bar.getAttribute('value'))).toBeLessThan(100);

    await progress.getByRole('button', { name: 'Dừng tác vụ' }).click();
    await page
      .locator('[data-testid="operation-progress"][data-state="cancelled"]')
      .waitFor({ timeout: 60_000 });
    await progress.getByTestId('operation-state').getByText('Đã dừng').waitFor();
    expect(await progress.getByRole('button', { name: 'Dừng tác vụ' }).count()).toBe(0);
    const figures = (await progress.getByTestId('operation-figures').textContent()) ?? '';
    const done = Number(/^(\d+)\//.exec(figures)?.[1]);
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(RECEIPTS);

    // The API says the same: stopped, with what was done kept.
    const list = (await (await rig.api('GET', '/v1/admin/operations?kind=replay')).json()) as {
      items: Array<{ state: string; done: number; sourceKey: string }>;
    };
    expect(list.items[0]).toMatchObject({ state: 'cancelled', done, sourceKey: SOURCE });
  });

  it('lists the operation, stopped, in the operations list, in a named table', async () => {
    await page.goto(`${base}/admin/queues`);
    await page.getByRole('link', { name: 'Tác vụ dài' }).click();
    await page.getByRole('heading', { name: 'Tác vụ dài' }).waitFor();
    const table = page.getByRole('table', { name: 'Tác vụ dài' });
    await table.getByRole('rowheader', { name: new RegExp(`Xử lý lại ${SOURCE}`) }).waitFor();
    await table.getByTestId('operation-state').getByText('Đã dừng').first().waitFor();
    expect(await page.locator('table:not(:has(> caption))').count()).toBe(0);
    await page.getByLabel('Chỉ tác vụ đang chạy').check();
    await page.getByText('Chưa có tác vụ nào.').waitFor();
  });
});
