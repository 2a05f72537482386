import { type Page } from 'playwright-core';
import { startAdminUiRig, type AdminUiRig } from '../support/admin-ui-rig';
import { FakeProvinceApi } from '../support/fake-province-api';

const PAGED = 'bf-ui-page';
const SINCE = 'bf-ui-since';
const RECORDS = 30;

interface Op {
  id: string;
  state: string;
  done: number;
  params: { start?: { since?: string } };
}

/*
 * A poll backfill in the interface (docs/poll-connector.md, "Backfill"): started from the source's
 * page with a confirm, its progress (done of the total the province reports, percent) in place with
 * Stop, then in the operations list; an updatedSince source offers a "since" field. The hub pauses
 * OPERATION_PAUSE_MS between pages, so there is progress to watch.
 */
describe('admin UI: a poll backfill started, watched and stopped in headless Chromium against the built hub', () => {
  let rig: AdminUiRig<false>;
  let api: FakeProvinceApi;
  let page: Page;

  const source = (key: string, path: string, poll: Record<string, unknown>) =>
    rig.admin
      .post('/v1/admin/sources', {
        key,
        provinceCode: '92',
        name: `Nông sản Cần Thơ (${key})`,
        kind: 'poll',
        format: 'json',
        mapping: { language: 'jsonata', expression: '{"products": []}' },
        poll: { url: `${api.url}${path}`, intervalSeconds: 86400, auth: { type: 'none' }, ...poll },
      })
      .expect(201);
  const backfills = async (key: string): Promise<Op[]> =>
    (
      (await (await rig.api('GET', `/v1/admin/operations?kind=poll-backfill&sourceKey=${key}`)).json()) as {
        items: Op[];
      }
    ).items;

  beforeAll(async () => {
    api = await FakeProvinceApi.start();
    api.records = FakeProvinceApi.makeRecords(RECORDS);
    rig = await startAdminUiRig({
      portal: false,
      hubEnv: { RECEIPT_BODY_RETENTION_DAYS: 'off', OPERATION_PAUSE_MS: '1500' },
    });
    await source(PAGED, '/page/records', {
      itemsPath: 'result.items',
      totalPath: 'total',
      pagination: { type: 'page', param: 'page', sizeParam: 'pageSize', size: 2 },
    });
    await source(SINCE, '/since/records', {
      itemsPath: 'data',
      pagination: { type: 'updatedSince', param: 'updatedSince', recordTimePath: 'updatedAt' },
    });
    for (const key of [PAGED, SINCE]) await rig.admin.post(`/v1/admin/sources/${key}/activate`).expect(200);
    page = await rig.newPage({ defaultTimeout: 20_000 });
    page.on('dialog', (dialog) => void dialog.accept());
    await rig.signIn(page);
  });
  afterAll(async () => {
    await rig?.close();
    await api?.close();
  });

  it("starts a backfill from the source's page, shows it moving with a percent, and stops it", async () => {
    await page.goto(`${rig.base}/admin/sources/${PAGED}`);
    const panel = page.getByTestId('poll-backfill');
    await panel.getByRole('heading', { name: 'Nạp lại toàn bộ dữ liệu từ tỉnh' }).waitFor();
    // A page source has no "since" field.
    expect(await panel.getByLabel('Chỉ lấy bản ghi cập nhật từ').count()).toBe(0);
    await panel.getByRole('button', { name: 'Nạp lại toàn bộ' }).click();

    const progress = panel.getByTestId('operation-progress');
    await progress.getByText('Nạp lại toàn bộ', { exact: true }).waitFor();
    await progress.getByText(PAGED, { exact: true }).waitFor();
    await progress
      .getByTestId('operation-figures')
      .getByText(new RegExp(`^([2-9]|[12]\\d)/${RECORDS} mục · \\d+%`))
      .waitFor({ timeout: 60_000 });
    const bar = progress.getByRole('progressbar', { name: 'Tiến độ: Nạp lại toàn bộ' });
    expect(Number(await bar.getAttribute('value'))).toBeGreaterThan(0);
    expect(Number(await bar.getAttribute('value'))).toBeLessThan(100);
    // Asked once: the button waits for this one to end.
    expect(await panel.getByRole('button', { name: 'Nạp lại toàn bộ' }).isDisabled()).toBe(true);

    await rig.shot(page, '24-source-backfill');

    await progress.getByRole('button', { name: 'Dừng tác vụ' }).click();
    await panel
      .locator('[data-testid="operation-progress"][data-state="cancelled"]')
      .waitFor({ timeout: 60_000 });
    await progress.getByTestId('operation-state').getByText('Đã dừng').waitFor();
    const [stopped] = await backfills(PAGED);
    expect(stopped).toMatchObject({ state: 'cancelled' });
    expect(stopped.done).toBeGreaterThan(0);
    expect(stopped.done).toBeLessThan(RECORDS);
    await panel.getByRole('button', { name: 'Nạp lại toàn bộ' }).waitFor();
    expect(await panel.getByRole('button', { name: 'Nạp lại toàn bộ' }).isEnabled()).toBe(true);
  });

  it('lists the stopped backfill among the operations', async () => {
    await page.goto(`${rig.base}/admin/operations`);
    const table = page.getByRole('table', { name: 'Tác vụ dài' });
    await table.getByRole('rowheader', { name: new RegExp(`Nạp lại toàn bộ ${PAGED}`) }).waitFor();
    await table.getByTestId('operation-state').getByText('Đã dừng').first().waitFor();
  });

  it('backfills an updatedSince source from the time given, to the end', async () => {
    await page.goto(`${rig.base}/admin/sources/${SINCE}`);
    const panel = page.getByTestId('poll-backfill');
    // Records from the 26th on: 2025-07-01 08:25 UTC, entered in the browser's own time.
    const from = new Date(Date.parse(api.records[25].updatedAt));
    const local = new Date(from.getTime() - from.getTimezoneOffset() * 60_000).toISOString().slice(0, 19);
    await panel.getByLabel('Chỉ lấy bản ghi cập nhật từ').fill(local);
    await panel.getByRole('button', { name: 'Nạp lại toàn bộ' }).click();
    await panel.locator('[data-testid="operation-progress"][data-state="done"]').waitFor({ timeout: 60_000 });
    await panel.getByTestId('operation-state').getByText('Xong').waitFor();
    const [done] = await backfills(SINCE);
    expect(done.state).toBe('done');
    expect(done.params.start?.since).toBe(from.toISOString());
    // The five records from that time on, two a page, each page starting at the latest time of the
    // one before (that record comes again): four pages of two, then the last record alone.
    expect(done.done).toBe(4 * 2 + 1);
  });
});
