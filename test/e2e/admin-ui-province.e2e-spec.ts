import { type Page } from 'playwright-core';
import { ADMIN_TOKEN, createActiveSource } from '../support/admin-client';
import { startAdminUiRig, type AdminUiRig, until } from '../support/admin-ui-rig';
import { gtin13, sendWebhook } from '../support/webhook-sources';

// Owners of the prefixes 8935049 and 8937700 in the portal simulator's GS1 registry, so the portal
// accepts each one's products.
const OWNER_CT = '0301234567';
const OWNER_CM = '0109876543';
/** Claimed by Cần Thơ first, then by Cà Mau: a KEY_CLAIMED conflict whose existing side is Cần Thơ's. */
const SHARED = gtin13('893504960001');
const CM_ONLY = gtin13('893770060002');
/** Sent with "weight" where the mapping reads "kg": quarantined until the mapping is fixed. */
const CM_WEIGHT = gtin13('893770060003');
const CM_BAD = '8935049600049'; // wrong check digit: GTIN_FORMAT
const CT_BAD = '8935049600059';
const CT_NAME = 'Gạo ST25 của HTX Thới Lai';
const key = (gtin: string) => `gtin:0${gtin}`;
const MAPPING =
  '{ "products": products.{ "gtin": gtin, "name": name, "ownerTaxCode": owner, "netContent": { "value": kg, "uom": "KGM" } } }';
const source = (sourceKey: string, provinceCode: string, name: string) => ({
  key: sourceKey,
  provinceCode,
  name,
  kind: 'webhook',
  format: 'json',
  mapping: { language: 'jsonata', expression: MAPPING },
});

/*
 * The provincial view of /admin (hub-interface.md, "v1 additions"): Cà Mau's staff sign in with a
 * token limited to province 96 and see their own overview, alerts, receipts, quarantine and
 * conflicts, Cần Thơ's side of a shared key named but withheld, and none of the Center's screens.
 */
describe('admin UI for a province account in headless Chromium against the built hub and the portal simulator', () => {
  let rig: AdminUiRig<true>;
  let base: string;
  let page: Page;
  let caMau: string;
  let cmReceipt: string;
  let ctReceipt: string;

  const shot = (name: string): Promise<void> => rig.shot(page, name);
  const api = (method: string, path: string, body?: unknown, token?: string) =>
    rig.api(method, path, body, token);
  const receiptStatus = async (id: string): Promise<string> =>
    ((await (await api('GET', `/v1/admin/receipts/${id}`)).json()) as { status: string }).status;
  const signIn = (token: string): Promise<void> => rig.signIn(page, token);
  const nav = (name: string) => page.getByRole('navigation').getByRole('link', { name, exact: true });
  /** Every text of the page, to prove what must not be there is not. */
  const pageText = async (): Promise<string> => page.locator('body').innerText();

  beforeAll(async () => {
    rig = await startAdminUiRig({
      portal: true,
      hubEnv: {
        PREFIX_REGISTRY_CHECK: 'off',
        // Every source here quarantines a record or two: a QUARANTINE_RATE alert each, checked every second.
        ALERT_CHECK_EVERY_MS: '1000',
        ALERT_QUARANTINE_MIN_RECORDS: '1',
        ALERT_QUARANTINE_RATE: '0.1',
      },
    });
    base = rig.base;
    const ct = await createActiveSource(base, source('pv-can-tho', '92', 'Nông sản Cần Thơ'));
    const cm = await createActiveSource(base, {
      ...source('pv-ca-mau', '96', 'Thủy sản Cà Mau'),
      // 127.0.0.2 is outside the tests' OUTBOUND_ALLOWLIST: its callbacks stay undelivered, retried.
      callback: { url: 'http://127.0.0.2:9/cb', events: ['receipt.processed'] },
    });
    ctReceipt = await sendWebhook(base, 'pv-can-tho', ct, {
      products: [
        { gtin: SHARED, name: CT_NAME, owner: OWNER_CT, kg: 5 },
        { gtin: CT_BAD, name: 'Gạo sai mã Cần Thơ', owner: OWNER_CT, kg: 1 },
      ],
    });
    await until(
      () => receiptStatus(ctReceipt),
      (s) => s === 'processed',
      "Cần Thơ's receipt processed",
    );
    cmReceipt = await sendWebhook(base, 'pv-ca-mau', cm, {
      products: [
        { gtin: SHARED, name: 'Tôm khô Cà Mau', owner: OWNER_CM, kg: 5 },
        { gtin: CM_ONLY, name: 'Cua Cà Mau', owner: OWNER_CM, kg: 2 },
        { gtin: CM_WEIGHT, name: 'Ba khía muối', owner: OWNER_CM, weight: 3 },
        { gtin: CM_BAD, name: 'Mực sai mã', owner: OWNER_CM, kg: 1 },
      ],
    });
    await until(
      () => receiptStatus(cmReceipt),
      (s) => s === 'processed',
      "Cà Mau's receipt processed",
    );
    const created = await api('POST', '/v1/admin/tokens', {
      name: 'Sở NN&MT Cà Mau',
      role: 'operator',
      provinces: ['96'],
    });
    expect(created.status).toBe(201);
    caMau = ((await created.json()) as { token: string }).token;
    page = await rig.newPage();
  });

  afterAll(async () => {
    await rig?.close();
  });

  it("shows the Center every province's alerts on the roll-out screen, in Vietnamese", async () => {
    await signIn(ADMIN_TOKEN);
    await page.goto(`${base}/admin/rollout`);
    const alerts = page.getByTestId('alerts');
    const item = (sourceKey: string) => alerts.getByTestId('alert').filter({ hasText: sourceKey });
    await until(
      async () => {
        if ((await item('pv-ca-mau').count()) === 0) await page.reload();
        return (await item('pv-ca-mau').count()) + (await item('pv-can-tho').count());
      },
      (n) => n === 2,
      'both QUARANTINE_RATE alerts on the roll-out screen',
    );
    expect(await item('pv-can-tho').getAttribute('data-code')).toBe('QUARANTINE_RATE');
    expect(await item('pv-ca-mau').locator('.alert-text').textContent()).toBe(
      'Tỷ lệ bản ghi bị cách ly của nguồn pv-ca-mau trong một giờ qua vượt ngưỡng cho phép.',
    );
    // The hub's own sentence, with the figures, one click away.
    expect(await item('pv-ca-mau').locator('span[lang="en"]').textContent()).toMatch(/2 of 4 records/);
    await shot('22-rollout-alerts');
    await page.getByRole('button', { name: 'Đăng xuất' }).click();
  });

  it('signs a province account in and offers it its own screens only', async () => {
    await signIn(caMau);
    expect(await page.getByTestId('role').textContent()).toBe('Vận hành');
    expect(await page.getByTestId('scope').textContent()).toBe('Tài khoản tỉnh 96');
    for (const shown of ['Tổng quan', 'Lần nhận', 'Xung đột mã', 'Cách ly & từ chối', 'Nguồn dữ liệu'])
      expect({ shown, count: await nav(shown).count() }).toEqual({ shown, count: 1 });
    for (const hidden of ['Triển khai', 'Hàng đợi', 'Nhật ký', 'Kết nối nguồn'])
      expect({ hidden, count: await nav(hidden).count() }).toEqual({ hidden, count: 0 });

    // The overview: its own source and its own alert only, no charts of the whole hub.
    await page.getByTestId('source-pv-ca-mau').waitFor();
    expect(await page.getByTestId('source-pv-can-tho').count()).toBe(0);
    const alerts = page.getByTestId('alerts').getByTestId('alert');
    await until(
      async () => {
        if ((await alerts.count()) === 0) await page.reload();
        return alerts.count();
      },
      (n) => n > 0,
      "Cà Mau's alert on the overview",
    );
    expect(await alerts.filter({ hasText: 'pv-ca-mau' }).count()).toBe(1);
    expect(await alerts.filter({ hasText: 'pv-can-tho' }).count()).toBe(0);
    expect(await page.getByRole('region', { name: 'Hoạt động' }).count()).toBe(0);
    await shot('19-province-overview');
  });

  it("lists its own receipts and shows every record's outcome, finding, conflict and portal version", async () => {
    await nav('Lần nhận').click();
    await page.getByRole('heading', { name: 'Các lần nhận dữ liệu' }).waitFor();
    await page.getByTestId(`receipt-${cmReceipt}`).waitFor();
    expect(await page.getByTestId(`receipt-${ctReceipt}`).count()).toBe(0);
    expect(await page.getByTestId(`receipt-${cmReceipt}`).getByTestId('receipt-status').textContent()).toBe(
      'đã xử lý',
    );
    await page.getByRole('link', { name: cmReceipt }).click();
    await page.getByRole('heading', { name: 'Chi tiết lần nhận' }).waitFor();
    expect(await page.getByTestId('receipt-id').textContent()).toBe(cmReceipt);

    const row = (gtin: string) => page.getByTestId(`receipt-record-${key(gtin)}`);
    // The product only Cà Mau sends reaches the portal: its version there, once synced.
    await until(
      async () => {
        const text = (await row(CM_ONLY).getByTestId('portal').textContent()) ?? '';
        if (!text.includes('phiên bản')) await page.reload();
        return text;
      },
      (text) => text.startsWith('phiên bản 1'),
      'the portal version of the synced product',
    );
    expect(await row(CM_ONLY).getByTestId('outcome').textContent()).toBe('Đã đồng bộ');
    // The shared key: a conflict with Cần Thơ, named by province only.
    expect(await row(SHARED).getByTestId('outcome').textContent()).toBe('Xung đột');
    const conflict = (await row(SHARED).getByTestId('conflict').textContent()) ?? '';
    expect(conflict).toContain('KEY_CLAIMED');
    expect(conflict).toContain('Thành phố Cần Thơ (92)');
    // Quarantined records with their findings, in Vietnamese.
    const quarantined = page.locator('tr[data-status="quarantined"]');
    expect(await quarantined.count()).toBe(2);
    expect(await quarantined.locator('[data-testid="finding"][data-code="GTIN_FORMAT"]').count()).toBe(1);
    expect(await row(CM_WEIGHT).getByTestId('outcome').textContent()).toBe('Cách ly');
    expect(await row(CM_WEIGHT).getByTestId('finding').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('receipt-count-quarantined').textContent()).toBe('2');
    const text = await pageText();
    expect(text).not.toContain(OWNER_CT);
    expect(text).not.toContain(CT_NAME);
    expect(await page.locator('table:not(:has(> caption))').count()).toBe(0);
    await shot('20-province-receipt');

    // A receipt of another province is not found, typed in or not.
    await page.goto(`${base}/admin/receipts/${ctReceipt}`);
    await page.getByRole('alert').getByText('Không tìm thấy:').waitFor();
  });

  it("shows a conflict with the other province's side withheld, and leaves the decision to the Center", async () => {
    await page.goto(`${base}/admin/`);
    await nav('Xung đột mã').click();
    const conflict = page.getByTestId('conflict');
    await conflict.first().waitFor();
    expect(await conflict.count()).toBe(1);
    expect(await conflict.locator('h2').innerText()).toContain('KEY_CLAIMED');
    const withheld = conflict.getByTestId('withheld');
    expect(await withheld.count()).toBe(1);
    const notice = (await withheld.textContent()) ?? '';
    expect(notice).toContain('Thành phố Cần Thơ (92)');
    expect(notice).toContain(key(SHARED));
    const sides = conflict.getByRole('table', { name: 'Hai bên của xung đột và nguồn gốc' });
    expect(await sides.getByTestId('side-province').getByTestId('side-existing').textContent()).toBe(
      'Thành phố Cần Thơ (92)',
    );
    expect(await sides.getByTestId('side-taxCode').getByTestId('side-existing').textContent()).toBe(
      'giữ kín',
    );
    expect(await sides.getByTestId('side-taxCode').getByTestId('side-incoming').textContent()).toBe(OWNER_CM);
    // Its own data is shown; the decision form is not (the API refuses a province token: 403).
    expect(await conflict.getByRole('button', { name: 'Xác nhận quyết định' }).count()).toBe(0);
    await page.getByText('Quyết định xung đột do Trung tâm đưa ra', { exact: false }).waitFor();
    const text = await pageText();
    expect(text).not.toContain(OWNER_CT);
    expect(text).not.toContain(CT_NAME);
    expect(await page.locator('table:not(:has(> caption))').count()).toBe(0);
    await shot('21-province-conflicts');
  });

  it('lists its own quarantine with findings and replays it after the Center fixes the mapping', async () => {
    await nav('Cách ly & từ chối').click();
    await page.getByRole('heading', { name: 'Cách ly và bị từ chối' }).waitFor();
    // Grouped by finding code (groups may be folded: their rows are in the page all the same).
    const held = (gtin: string) => page.locator('main a', { hasText: key(gtin) });
    await page.getByTestId('group-GTIN_FORMAT').waitFor();
    await held(CM_WEIGHT).first().waitFor({ state: 'attached' });
    expect(await page.locator('main').textContent()).not.toContain('pv-can-tho');
    expect(await page.getByLabel('Nguồn').locator('option').allTextContents()).toEqual([
      'Tất cả',
      'Thủy sản Cà Mau (pv-ca-mau)',
    ]);
    expect(await page.locator('table:not(:has(> caption))').count()).toBe(0);

    // The Center fixes the mapping (Cà Mau sends "weight"); the province replays its own quarantine.
    const fixed = MAPPING.replace('"value": kg', '"value": $exists(kg) ? kg : weight');
    const patched = await api('PATCH', '/v1/admin/sources/pv-ca-mau', {
      mapping: { language: 'jsonata', expression: fixed },
    });
    expect(patched.status).toBe(200);
    await page.getByLabel('Nguồn').selectOption('pv-ca-mau');
    await page.getByRole('button', { name: 'Xử lý lại theo ánh xạ hiện tại' }).click();
    await page
      .getByRole('status')
      .getByText(/Đã gửi xử lý lại [1-9]/)
      .waitFor();
    await until(
      async () => {
        await page.reload();
        await page.getByRole('heading', { name: 'Cách ly và bị từ chối' }).waitFor();
        await page.getByTestId('group-GTIN_FORMAT').waitFor();
        return held(CM_WEIGHT).count();
      },
      (n) => n === 0,
      'the fixed product still quarantined',
    );
  });

  it('previews a sample on its source with the mapping in force and sends a callback again', async () => {
    await nav('Nguồn dữ liệu').click();
    await page.getByTestId('source-pv-ca-mau').waitFor();
    expect(await page.getByTestId('source-pv-can-tho').count()).toBe(0);
    await page.getByRole('link', { name: 'Thủy sản Cà Mau' }).click();
    await page.getByRole('heading', { name: 'Ánh xạ dữ liệu' }).waitFor();
    expect(await page.getByLabel('Biểu thức ánh xạ (JSONata)').isEditable()).toBe(false);
    await page
      .getByLabel(/Dữ liệu mẫu \(json\)/)
      .fill(
        JSON.stringify({ products: [{ gtin: CM_ONLY, name: 'Cua Cà Mau', owner: OWNER_CM, weight: 2 }] }),
      );
    await page.getByTestId('preview-summary').getByText('1 bản ghi, 0 lỗi kiểm tra').waitFor();
    await page.getByTestId('preview').getByText(key(CM_ONLY)).waitFor();

    // Its own source's callbacks: listed with their attempts, and sent again by hand.
    const deliveries = page.getByRole('table', { name: 'Các lần gửi thông báo, mới nhất trước' });
    const first = deliveries.locator('tbody tr').first();
    await until(
      async () => {
        if ((await first.count()) === 0) await page.reload();
        return first.count();
      },
      (n) => n > 0,
      "a callback delivery on the source's page",
    );
    expect(await first.getByRole('rowheader').textContent()).toBe('receipt.processed');
    await first.getByRole('button', { name: 'Gửi lại ngay' }).click();
    await page
      .getByRole('status')
      .getByText(/^Đã gửi lại thông báo/)
      .waitFor();
    expect(await page.locator('table:not(:has(> caption))').count()).toBe(0);
  });

  it("answers the Center's screens, typed in, with a plain refusal", async () => {
    for (const path of ['/rollout', '/queues', '/audit', '/sources/new']) {
      await page.goto(`${base}/admin${path}`);
      await page.getByRole('heading', { name: 'Không dành cho tài khoản của tỉnh' }).waitFor();
      expect({ path, tables: await page.locator('table').count() }).toEqual({ path, tables: 0 });
    }
    await shot('23-province-not-available');
    // And the API refuses the same to this token.
    for (const path of ['/v1/admin/queues', '/v1/admin/tokens']) {
      expect({ path, status: (await api('GET', path, undefined, caMau)).status }).toEqual({
        path,
        status: 403,
      });
    }
  });
});
