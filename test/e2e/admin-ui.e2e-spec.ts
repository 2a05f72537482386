import { type Page } from 'playwright-core';
import { ADMIN_TOKEN } from '../support/admin-client';
import { startAdminUiRig, type AdminUiRig, until } from '../support/admin-ui-rig';
import { signWebhook } from '../support/webhook-signer';

const SOURCE = 'e2e-can-tho';
const OTHER = 'e2e-hau-giang';
const OWNER_A = '0301234567';
const OWNER_B = '0309876543';
const GTIN_1 = '8935049500018';
const GTIN_2 = '8935049500025';
const GTIN_3 = '8935049500032';
/** What the wizard's mapping becomes once the operator has fixed it in the live preview. */
const GOOD_MAPPING =
  '{ "products": products.{ "gtin": gtin, "name": name, "ownerTaxCode": owner, "netContent": { "value": kg, "uom": "KGM" } } }';

describe('admin UI in headless Chromium against the built hub', () => {
  let rig: AdminUiRig<false>;
  let base: string;
  let page: Page;
  let secret: string;

  const shot = (name: string): Promise<void> => rig.shot(page, name);
  /** The operator API with the bootstrap admin token, for what the test does outside the browser. */
  const api = (method: string, path: string, body?: unknown): Promise<Response> =>
    rig.api(method, path, body);
  const sendWebhook = async (source: string, key: string, envelope: unknown): Promise<void> => {
    const body = JSON.stringify(envelope);
    const res = await fetch(`${base}/v1/webhooks/${source}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...signWebhook(key, body) },
      body,
    });
    expect(res.status).toBe(202);
  };
  const nav = async (name: string): Promise<void> => {
    await page.getByRole('navigation').getByRole('link', { name, exact: true }).click();
  };

  beforeAll(async () => {
    // No portal runs in this spec: products are not held back for the prefix registry.
    rig = await startAdminUiRig({ portal: false });
    base = rig.base;
    page = await rig.newPage();
  });

  afterAll(async () => {
    await rig?.close();
  });

  it('refuses a wrong token and signs in with a valid one, in Vietnamese by default', async () => {
    await page.goto(`${base}/admin/`);
    await shot('01-sign-in');
    await page.getByLabel('Mã truy cập (token)').fill('not-a-token-at-all');
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByRole('alert').getByText('không hợp lệ').waitFor();

    await page.getByLabel('Mã truy cập (token)').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByRole('heading', { name: 'Tổng quan' }).waitFor();
    expect(await page.getByTestId('role').textContent()).toBe('Quản trị');
    // The token is kept for the tab only, and survives a reload.
    expect(await page.evaluate('sessionStorage.getItem("txng.token")')).toBe(ADMIN_TOKEN);
    await page.reload();
    await page.getByRole('heading', { name: 'Tổng quan' }).waitFor();
  });

  it('keeps the top bar on one line from 1280 px and wraps it in whole groups below', async () => {
    const rows = async (): Promise<{
      brand: number;
      nav: number;
      search: number;
      signOut: number;
      height: number;
      navFits: boolean;
    }> => {
      const top = async (selector: string): Promise<number> =>
        (await page.locator(selector).first().boundingBox())?.y ?? -1;
      return {
        brand: await top('.topbar .brand'),
        nav: await top('.topbar nav a'),
        search: await top('.topbar .header-search input'),
        signOut: await top('.topbar .who button'),
        height: (await page.locator('header.topbar').boundingBox())?.height ?? -1,
        // The navigation's links are all inside it (none runs under the search box or the sign-in block).
        navFits: await page.evaluate<boolean>(
          '(() => { const ul = document.querySelector(".topbar nav ul"); return ul.scrollWidth <= ul.clientWidth; })()',
        ),
      };
    };
    for (const width of [1440, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      const bar = await rows();
      // Brand, navigation and sign-out share one row (their tops differ by less than a line).
      expect(Math.abs(bar.nav - bar.brand)).toBeLessThan(12);
      expect(Math.abs(bar.signOut - bar.brand)).toBeLessThan(12);
      expect(bar.navFits).toBe(true);
      if (width === 1440) {
        // The search box too, from 1440 px…
        expect(Math.abs(bar.search - bar.brand)).toBeLessThan(12);
        expect(bar.height).toBeLessThan(56);
      } else {
        // …and on the header's next line below that.
        expect(bar.search).toBeGreaterThan(bar.brand + 12);
        expect(bar.height).toBeLessThan(90);
      }
      // Nothing overflows the window sideways.
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(width);
    }
    await page.setViewportSize({ width: 1000, height: 900 });
    const narrow = await rows();
    expect(Math.abs(narrow.signOut - narrow.brand)).toBeLessThan(12); // sign-out stays up with the brand
    expect(narrow.nav).toBeGreaterThan(narrow.brand + 12); // the navigation moves to its own line
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(1000);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('onboards a webhook source through the wizard, with the live mapping preview', async () => {
    await nav('Kết nối nguồn');
    await page.getByLabel('Mã nguồn').fill(SOURCE);
    await page.getByLabel('Tỉnh, thành phố').selectOption('92');
    await page.getByLabel('Tên hệ thống').fill('Hệ thống TXNG nông sản Cần Thơ');
    await page.getByRole('button', { name: 'Tạo nguồn' }).click();

    // Step 2: the starter mapping has no net content, so the starter sample's product has findings…
    await page.getByRole('heading', { name: '2. Ánh xạ dữ liệu' }).waitFor();
    const summary = page.getByTestId('preview-summary');
    await summary.getByText(/^1 bản ghi, [1-9]\d* lỗi kiểm tra$/).waitFor();
    // …until the operator writes the field in: the preview follows as they type.
    await page
      .getByLabel('Dữ liệu mẫu (json)')
      .fill(
        JSON.stringify(
          { products: [{ gtin: GTIN_1, name: 'Gạo ST25 túi 5kg', owner: OWNER_A, kg: 5 }] },
          null,
          2,
        ),
      );
    await page.getByLabel('Biểu thức ánh xạ (JSONata)').fill(GOOD_MAPPING);
    await summary.getByText('1 bản ghi, 0 lỗi kiểm tra').waitFor();
    await page.getByTestId('preview').getByText('gtin:08935049500018').waitFor();
    await shot('04-onboarding-mapping-preview');
    await page.getByRole('button', { name: 'Tiếp tục', exact: true }).click();

    // Step 3: the webhook URL and the secret, once; then activate.
    await page.getByRole('heading', { name: '3. Kết nối và kích hoạt' }).waitFor();
    expect(await page.getByTestId('webhook-url').textContent()).toBe(`${base}/v1/webhooks/${SOURCE}`);
    secret = (await page.getByTestId('webhook-secret').textContent()) ?? '';
    expect(secret).toMatch(/^whsec_/);
    await page.getByRole('button', { name: 'Kích hoạt đồng bộ' }).click();
    await page.getByText('Đồng bộ dữ liệu', { exact: true }).waitFor();
    await shot('05-onboarding-connect');

    const stored = (await (await api('GET', `/v1/admin/sources/${SOURCE}`)).json()) as {
      stage: string;
      mapping: { expression: string };
    };
    expect(stored.stage).toBe('active');
    expect(stored.mapping.expression).toBe(GOOD_MAPPING);
  });

  it('shows a signed webhook arriving in the overview, the roll-out, search and the record page', async () => {
    await sendWebhook(SOURCE, secret, {
      products: [{ gtin: GTIN_1, name: 'Gạo ST25 túi 5kg', owner: OWNER_A, kg: 5 }],
    });
    await nav('Tổng quan');
    const row = page.getByTestId(`source-${SOURCE}`);
    await row.waitFor();
    // The overview polls every 5 s: wait for the version to be counted (ready, or synced already).
    await until(
      async () =>
        Number(await row.getByTestId('ready').textContent()) +
        Number(await row.getByTestId('synced').textContent()),
      (n) => n === 1,
      'ready + synced in the overview',
    );
    await page.getByRole('heading', { name: /Thành phố Cần Thơ/ }).waitFor();
    await shot('02-overview');

    await nav('Triển khai');
    expect(await page.getByTestId('rollout-syncing').textContent()).toBe('1');
    await page
      .getByRole('row', { name: /Thành phố Cần Thơ/ })
      .getByText('Đang đồng bộ')
      .waitFor();
    await shot('03-rollout');

    // The header's search box, on every screen: a tax code lists what it names, grouped by kind…
    const box = page.getByRole('search').getByLabel(/Tra cứu nhanh/);
    await box.fill(OWNER_A);
    await box.press('Enter');
    await page.getByTestId('group-product').getByRole('link', { name: 'gtin:08935049500018' }).waitFor();
    expect(await page.getByTestId('group-count-organization').count()).toBe(0); // no org record sent
    expect(await page.getByTestId('search-understood').textContent()).toContain('mã số thuế');
    await shot('06-search');
    // …and a GS1 Digital Link with a serial lands on the product itself, from any screen ("/" focuses the box).
    await nav('Triển khai');
    await page.keyboard.press('/');
    await page.keyboard.type('https://id.gs1.org/01/08935049500018/21/ABC123');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/admin\/records\/product\//);
    expect(await page.getByTestId('record-key').textContent()).toBe('gtin:08935049500018');
    await page.getByRole('heading', { name: /Phiên bản 1/ }).waitFor();
    await shot('07-record');
  });

  it('resolves a KEY_CLAIMED conflict from the side-by-side view, with a required note', async () => {
    const created = await api('POST', '/v1/admin/sources', {
      key: OTHER,
      provinceCode: '92',
      name: 'Hệ thống TXNG thứ hai',
      kind: 'webhook',
      format: 'json',
      mapping: { language: 'jsonata', expression: GOOD_MAPPING },
    });
    const otherSecret = ((await created.json()) as { webhookSecret: string }).webhookSecret;
    expect((await api('POST', `/v1/admin/sources/${OTHER}/activate`)).status).toBe(200);
    // The same GTIN claimed by another owner: a KEY_CLAIMED conflict.
    await sendWebhook(OTHER, otherSecret, {
      products: [{ gtin: GTIN_1, name: 'Gạo ST25 (khác chủ)', owner: OWNER_B, kg: 5 }],
    });

    await nav('Xung đột mã');
    const conflict = page.getByTestId('conflict');
    await until(
      async () => {
        if ((await conflict.count()) === 0) await page.reload();
        return conflict.count();
      },
      (n) => n === 1,
      'open conflicts shown',
    );
    await until(
      () => conflict.locator('h2').innerText(),
      (text) => text.includes('KEY_CLAIMED'),
      'the conflict heading',
    );
    // Each side with its owner and where it came from: the sources by name, in their province.
    const sides = conflict.getByRole('table', { name: 'Hai bên của xung đột và nguồn gốc' });
    expect(await sides.getByTestId('side-taxCode').getByTestId('side-existing').textContent()).toBe(OWNER_A);
    expect(await sides.getByTestId('side-taxCode').getByTestId('side-incoming').textContent()).toBe(OWNER_B);
    expect(await sides.getByTestId('side-source').getByTestId('side-incoming').textContent()).toBe(
      'Hệ thống TXNG thứ hai',
    );
    expect(await sides.getByTestId('side-province').getByTestId('side-existing').textContent()).toBe(
      'Thành phố Cần Thơ (92)',
    );
    // The diff marks what differs: the owner and the name.
    const changed = conflict.locator('tr.changed th code');
    expect(await changed.allTextContents()).toEqual(expect.arrayContaining(['/name', '/ownerTaxCode']));
    await shot('08-conflicts');

    const confirm = conflict.getByRole('button', { name: 'Xác nhận quyết định' });
    await conflict.getByLabel(/Giữ bản hiện có/).check();
    expect(await confirm.isDisabled()).toBe(true); // the note is required
    await conflict.getByLabel('Ghi chú (bắt buộc)').fill('Mã GTIN thuộc HTX Thới Lai theo GS1 Việt Nam.');
    await confirm.click();
    await page.getByRole('status').getByText('Đã xử lý xung đột gtin:08935049500018.').waitFor();
    await page.getByText('Không có xung đột nào.').waitFor();

    const resolved = (await (await api('GET', '/v1/admin/conflicts?status=resolved')).json()) as {
      items: Array<{ decision: string; note: string }>;
    };
    expect(resolved.items).toEqual([
      expect.objectContaining({
        decision: 'keep-existing',
        note: 'Mã GTIN thuộc HTX Thới Lai theo GS1 Việt Nam.',
      }),
    ]);
  });

  it('groups quarantined records by finding code and replays them after a mapping fix', async () => {
    // The province starts sending "weight" instead of "kg": no net content, so quarantined.
    await sendWebhook(SOURCE, secret, {
      products: [{ gtin: GTIN_2, name: 'Gạo Jasmine túi 2kg', owner: OWNER_A, weight: 2 }],
    });
    await nav('Cách ly & từ chối');
    await page.getByLabel('Nguồn').selectOption(SOURCE);
    const groups = page.locator('details.group');
    await until(
      async () => {
        if ((await groups.count()) === 0) await page.reload();
        return groups.count();
      },
      (n) => n > 0,
      'quarantine groups shown',
    );
    await page.getByRole('link', { name: 'gtin:08935049500025' }).first().waitFor();
    await shot('09-quarantine');

    // The mapping is fixed (the province's new field), then replayed from the UI.
    const fixed = GOOD_MAPPING.replace('"value": kg', '"value": $exists(kg) ? kg : weight');
    expect(
      (
        await api('PATCH', `/v1/admin/sources/${SOURCE}`, {
          mapping: { language: 'jsonata', expression: fixed },
        })
      ).status,
    ).toBe(200);
    await page.getByRole('button', { name: 'Xử lý lại theo ánh xạ hiện tại' }).click();
    await page
      .getByRole('status')
      .getByText(/Đã gửi xử lý lại [1-9]/)
      .waitFor();

    await until(
      async () => {
        const res = await api(
          'GET',
          `/v1/admin/records/product/${encodeURIComponent('gtin:08935049500025')}`,
        );
        return (await res.json()) as { status: string };
      },
      (record) => record.status === 'ready' || record.status === 'synced',
      'the replayed product',
    ).catch((e: Error) => {
      throw new Error(`${e.message}\nhub output:\n${rig.hub.output().slice(-4000)}`);
    });
    await until(
      async () => {
        await page.reload();
        await page.getByRole('heading', { name: 'Cách ly và bị từ chối' }).waitFor();
        await page.waitForLoadState('networkidle');
        return page.getByRole('link', { name: 'gtin:08935049500025' }).count();
      },
      (n) => n === 0,
      'the replayed product still listed as quarantined',
    );
  });

  it("fixes a source's mapping in its editor with live preview, saves it and replays its quarantine", async () => {
    // The province renames the field again ("khoiLuong"): the mapping in force (version 2) misses it.
    await sendWebhook(SOURCE, secret, {
      products: [{ gtin: GTIN_3, name: 'Gạo Nàng Hoa túi 3kg', owner: OWNER_A, khoiLuong: 3 }],
    });
    const key3 = 'gtin:08935049500032';
    await until(
      async () =>
        (
          (await (await api('GET', `/v1/admin/records/product/${encodeURIComponent(key3)}`)).json()) as {
            status?: string;
          }
        ).status,
      (status) => status === 'quarantined',
      'the renamed field quarantined',
    );

    const { mapping: inForce } = (await (await api('GET', `/v1/admin/sources/${SOURCE}`)).json()) as {
      mapping: { version: number };
    };
    await nav('Nguồn dữ liệu');
    const row = page.getByTestId(`source-${SOURCE}`);
    expect(await row.getByTestId('mapping-version').textContent()).toBe(String(inForce.version));
    await row.getByRole('link', { name: 'Hệ thống TXNG nông sản Cần Thơ' }).click();
    await page.getByRole('heading', { name: 'Ánh xạ dữ liệu' }).waitFor();
    await page.getByTestId('held-count').getByText('1 bản ghi đang cách ly.').waitFor();
    // The editor starts from the mapping in force (the fix of the previous test).
    const editor = page.getByLabel('Biểu thức ánh xạ (JSONata)');
    const stored = await editor.inputValue();
    expect(stored).toContain('$exists(kg) ? kg : weight');

    const sample = JSON.stringify({
      products: [{ gtin: GTIN_3, name: 'Gạo Nàng Hoa túi 3kg', owner: OWNER_A, khoiLuong: 3 }],
    });
    await page.getByLabel('Dữ liệu mẫu (json)').fill(sample);
    const summary = page.getByTestId('preview-summary');
    // The stored mapping on the new sample: the finding the record was quarantined for.
    await summary.getByText(/^1 bản ghi, [1-9]\d* lỗi kiểm tra$/).waitFor();
    const fixed = stored.replace(': weight', ': $exists(weight) ? weight : khoiLuong');
    await editor.fill(fixed);
    expect(
      await page.getByRole('button', { name: 'Xử lý lại các bản ghi cách ly của nguồn này' }).isDisabled(),
    ).toBe(true);
    await summary.getByText('1 bản ghi, 0 lỗi kiểm tra').waitFor();
    await page.getByTestId('preview').getByText(key3).waitFor();
    // Tried first on what the province really sent: the stored receipts of this source.
    const trial = page.getByTestId('mapping-trial');
    await trial.getByRole('button', { name: 'Thử trên các lần nhận gần nhất' }).click();
    await trial.getByTestId('trial-read').waitFor();
    expect(await trial.getByTestId('trial-fixed').textContent()).toBe('1');
    expect(await trial.getByTestId('trial-fixes-quarantined').textContent()).toBe('1');
    expect(await trial.getByTestId('trial-broken').textContent()).toBe('0');
    await trial
      .getByRole('table', { name: /Các bản ghi thay đổi/ })
      .getByRole('link', { name: key3 })
      .waitFor();
    // Typing made no mapping version: the preview stores nothing.
    const before = (await (await api('GET', `/v1/admin/sources/${SOURCE}`)).json()) as {
      mapping: { version: number };
    };
    expect(before.mapping.version).toBe(inForce.version);
    await shot('14-source-mapping-editor');

    await page.getByRole('button', { name: 'Lưu thành phiên bản ánh xạ mới' }).click();
    const next = inForce.version + 1;
    await page
      .getByRole('status')
      .getByText(`Đã lưu thành ánh xạ phiên bản ${next}.`, { exact: false })
      .waitFor();
    expect(await page.getByTestId('mapping-version').textContent()).toBe(String(next));
    const after = (await (await api('GET', `/v1/admin/sources/${SOURCE}`)).json()) as {
      mapping: { version: number; expression: string };
    };
    expect(after.mapping).toEqual(expect.objectContaining({ version: next, expression: fixed }));

    await page.getByRole('button', { name: 'Xử lý lại các bản ghi cách ly của nguồn này' }).click();
    await page
      .getByRole('status')
      .getByText(/^Đã gửi xử lý lại 1 bản ghi/)
      .waitFor();
    // The page counts the source's quarantine every 5 s: it empties once the worker has re-read it.
    await page.getByTestId('held-count').getByText('0 bản ghi đang cách ly.').waitFor({ timeout: 30_000 });
    await page.getByRole('link', { name: 'Xem danh sách' }).click();
    await page.getByRole('heading', { name: 'Cách ly và bị từ chối' }).waitFor();
    await page.goto(`${base}/admin/records/product/${encodeURIComponent(key3)}`);
    const status = page.locator('dl.facts').first().locator('.badge');
    await until(
      async () => status.textContent(),
      (text) => text === 'Sẵn sàng' || text === 'Đã đồng bộ',
      'the replayed product in its record page',
    );
    await page.getByRole('heading', { name: /Phiên bản 1/ }).waitFor();
  });

  it('lists the sources with the actions the role allows and rotates a webhook secret once', async () => {
    await nav('Nguồn dữ liệu');
    const row = page.getByTestId(`source-${OTHER}`);
    await row.getByRole('button', { name: 'Tạm dừng' }).click();
    await row.getByText('Tạm dừng', { exact: true }).first().waitFor();
    await row.getByRole('button', { name: 'Chạy tiếp' }).click();
    await row.getByRole('button', { name: 'Tạm dừng' }).waitFor();
    await row.getByRole('button', { name: 'Cấp khoá bí mật mới' }).click();
    const shown = (await row.getByTestId('webhook-secret').textContent()) ?? '';
    expect(shown).toMatch(/^whsec_/);
    // The new secret signs; the list never shows it again after a reload.
    await sendWebhook(OTHER, shown, { products: [] });
    await page.reload();
    await row.waitFor();
    expect(await row.getByTestId('webhook-secret').count()).toBe(0);
    await shot('15-sources');
  });

  it("explains a quarantined record's finding in the chosen language and names its province", async () => {
    // A GTIN whose check digit is wrong (…018 is right): quarantined with GTIN_FORMAT.
    await sendWebhook(SOURCE, secret, {
      products: [{ gtin: '8935049500019', name: 'Gạo lứt túi 1kg', owner: OWNER_A, kg: 1 }],
    });
    await page.goto(`${base}/admin/quarantine?status=quarantined&source=${SOURCE}`);
    const group = page.getByTestId('group-GTIN_FORMAT');
    await until(
      async () => {
        if ((await group.count()) === 0) await page.reload();
        return group.count();
      },
      (n) => n === 1,
      'the GTIN_FORMAT group in the quarantine',
    );
    // The group and its rows explain the code in Vietnamese, not with the hub's English sentence.
    await group
      .locator('summary')
      .getByText(/Mã GTIN không hợp lệ/)
      .waitFor();
    await group.getByRole('link').first().click();
    await page.getByRole('heading', { name: 'Chi tiết bản ghi' }).waitFor();

    const finding = page
      .getByTestId('finding')
      .filter({ has: page.locator('code', { hasText: 'GTIN_FORMAT' }) });
    await finding.first().waitFor();
    const text = await finding.first().locator('.finding-text').textContent();
    expect(text).toBe(
      'Mã GTIN không hợp lệ: phải có 8, 12, 13 hoặc 14 chữ số và đúng số kiểm tra GS1 (tiền tố mã doanh nghiệp GS1 phải có từ 6 đến 12 chữ số).',
    );
    expect(await finding.first().locator('.finding-path code').textContent()).toBe('/gtin');
    // The hub's own message is one click away ("chi tiết"), in English as the hub wrote it.
    const original = finding.first().locator('details.finding-original');
    await original.locator('summary', { hasText: 'chi tiết' }).click();
    const hubMessage = (await original.locator('span[lang="en"]').textContent()) ?? '';
    expect(hubMessage).toMatch(/GTIN/);
    expect(hubMessage).not.toBe(text);
    // The province by name, from the hub's province list.
    expect(await page.locator('dl.facts').first().getByTestId('province').textContent()).toBe(
      'Thành phố Cần Thơ (92)',
    );
    await shot('16-record-findings');

    await page.getByRole('combobox', { name: 'Ngôn ngữ' }).selectOption('en');
    await page.getByRole('heading', { name: 'Record', exact: true }).waitFor();
    expect(await finding.first().locator('.finding-text').textContent()).toBe(
      'Invalid GTIN: it must have 8, 12, 13 or 14 digits and a correct GS1 check digit (a GS1 company prefix must have 6 to 12 digits).',
    );
    expect(await finding.first().locator('.finding-path').textContent()).toContain('field /gtin');
    expect(await page.locator('dl.facts').first().getByTestId('province').textContent()).toBe(
      'Thành phố Cần Thơ (92)',
    );
    await page.getByRole('combobox', { name: 'Language' }).selectOption('vi');
    await page.getByRole('heading', { name: 'Chi tiết bản ghi' }).waitFor();
  });

  it('names a pre-2025 province code the data was sent with', async () => {
    const key = 'e2e-soc-trang';
    const created = await api('POST', '/v1/admin/sources', {
      key,
      provinceCode: '92',
      name: 'Hệ thống TXNG Sóc Trăng (cũ)',
      kind: 'webhook',
      format: 'json',
      mapping: {
        language: 'jsonata',
        expression: '{ "organizations": orgs.{ "taxCode": mst, "name": ten, "provinceCode": tinh } }',
      },
    });
    const secret = ((await created.json()) as { webhookSecret: string }).webhookSecret;
    expect((await api('POST', `/v1/admin/sources/${key}/activate`)).status).toBe(200);
    // Sóc Trăng's old code 94: normalised to Cần Thơ (92), the old code kept as legacyProvinceCode.
    await sendWebhook(key, secret, {
      orgs: [{ mst: '2200123456', ten: 'HTX lúa gạo Mỹ Xuyên', tinh: '94' }],
    });
    const province = page.locator('dl.facts').first().getByTestId('province');
    await page.goto(`${base}/admin/records/organization/org:2200123456`);
    await until(
      async () => {
        if ((await province.count()) === 0) {
          await page.reload(); // the record is not judged yet
          return '';
        }
        return (await province.textContent()) ?? '';
      },
      (text) => text === 'Thành phố Cần Thơ (92) · mã cũ 94 (Tỉnh Sóc Trăng)',
      'the record page naming the old province code',
    );
  });

  it('lets an operator pause and resume a queue and open the queue board', async () => {
    await nav('Hàng đợi');
    const ingest = page.getByTestId('queue-ingest');
    await ingest.getByRole('button', { name: 'Tạm dừng' }).click();
    await page.getByRole('status').getByText('Đã tạm dừng hàng đợi ingest.').waitFor();
    await ingest.getByRole('button', { name: 'Chạy tiếp' }).waitFor();
    await shot('10-queues');
    await ingest.getByRole('button', { name: 'Chạy tiếp' }).click();
    await ingest.getByRole('button', { name: 'Tạm dừng' }).waitFor();

    // The one table component: named by its caption, sorted from the keyboard, arrows move between rows.
    const table = page.getByRole('table', { name: 'Hàng đợi' });
    const byName = table.getByRole('columnheader', { name: /Hàng đợi/ });
    expect(await byName.getAttribute('aria-sort')).toBe('none');
    await byName.getByRole('button').focus();
    await page.keyboard.press('Enter');
    expect(await byName.getAttribute('aria-sort')).toBe('ascending');
    await page.keyboard.press('Enter');
    expect(await byName.getAttribute('aria-sort')).toBe('descending');
    const names = await table.locator('tbody th code').allTextContents();
    expect(names).toEqual([...names].sort().reverse());
    await table.locator('tbody tr').first().getByRole('button').first().focus();
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate('document.activeElement.closest("tr").rowIndex')).toBe(2);
    await page.keyboard.press('End');
    expect(await page.evaluate('document.activeElement.closest("tr").rowIndex')).toBe(names.length);
    // Every table of the interface has a name for screen readers.
    for (const path of ['/', '/rollout', '/sources', '/audit']) {
      await page.goto(`${base}/admin${path}`);
      await page.locator('table').first().waitFor();
      expect(await page.locator('table:not(:has(> caption))').count()).toBe(0);
    }
    await nav('Hàng đợi');

    const [board] = await Promise.all([
      page.context().waitForEvent('page'),
      page.getByRole('button', { name: 'Mở bảng chi tiết hàng đợi' }).click(),
    ]);
    await board.waitForLoadState();
    expect(board.url()).toBe(`${base}/admin/queues/board`);
    await board.getByText('ingest').first().waitFor();
    await rig.shot(board, '11-queue-board', { fullPage: false });
    await board.close();
  });

  it('shows the audit log and switches to English, remembering the choice', async () => {
    await nav('Nhật ký');
    await page.getByRole('cell', { name: 'conflict.resolve' }).first().waitFor();
    await shot('12-audit');
    await page.getByRole('combobox', { name: 'Ngôn ngữ' }).selectOption('en');
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    await nav('Overview');
    await page.getByTestId(`source-${SOURCE}`).waitFor();
    await shot('13-overview-en');
    // Dates stay dd/MM/yyyy HH:mm (Vietnam time) in either language.
    expect(await page.locator('time').first().textContent()).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
  });

  it('offers a viewer nothing it may not do', async () => {
    const res = await api('POST', '/v1/admin/tokens', { name: 'Người xem', role: 'viewer' });
    const viewer = ((await res.json()) as { token: string }).token;
    // Signing out ends the queue board session opened above: its cookie is cleared and refused.
    const [signedOut] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/v1/admin/session') && r.request().method() === 'DELETE'),
      page.getByRole('button', { name: 'Sign out' }).click(),
    ]);
    expect(signedOut.status()).toBe(204);
    expect((await page.context().cookies()).filter((c) => c.name === 'txng_board')).toEqual([]);
    const board = await page.context().request.get(`${base}/admin/queues/board/api/queues`);
    expect(board.status()).toBe(401);
    await page.getByLabel('Access token').fill(viewer);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('role').getByText('Viewer').waitFor();
    expect(await page.getByRole('link', { name: 'Connect a source' }).count()).toBe(0);
    await nav('Queues');
    await page.getByTestId('queue-ingest').waitFor();
    expect(await page.getByRole('button', { name: 'Pause' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Open the queue board' }).count()).toBe(0);
    await nav('Quarantine & rejected');
    await page.getByRole('heading', { name: 'Quarantined and rejected' }).waitFor();
    expect(await page.getByRole('button', { name: 'Replay with the current mapping' }).count()).toBe(0);
    await nav('Sources');
    await page.getByTestId(`source-${SOURCE}`).waitFor();
    expect(await page.getByRole('button', { name: 'Pause' }).count()).toBe(0);
    await page.getByRole('link', { name: 'Hệ thống TXNG nông sản Cần Thơ' }).click();
    await page.getByRole('heading', { name: 'Mapping', exact: true }).waitFor();
    expect(await page.getByLabel('Mapping expression (JSONata)').isEditable()).toBe(false);
    expect(await page.getByRole('button', { name: 'Save as new mapping version' }).count()).toBe(0);
    expect(
      await page.getByRole('button', { name: 'Replay quarantined records of this source' }).count(),
    ).toBe(0);
  });
});
