import { type Page } from 'playwright-core';
import { type RunningPortalSim } from '../../apps/portal-sim/src/create-portal-sim';
import { createActiveSource } from '../support/admin-client';
import { startAdminUiRig, type AdminUiRig } from '../support/admin-ui-rig';
import { simAdmin } from '../support/portal-sim';
import { gtin13, sendWebhook } from '../support/webhook-sources';

const SOURCE = 'mr-can-tho';
const OWNER = '0301234567';
/** Version 1 ignores `tag` and writes `tạ` as it is (quarantined, UOM_UNKNOWN). */
const V1 = `{ "products": products.{ "gtin": gtin, "name": name, "ownerTaxCode": owner,
  "netContent": { "value": kg, "uom": unit = "tạ" ? "tạ" : "KGM" } } }`;
/** The draft: the tag goes into the name, `tạ` becomes kilograms. */
const V2 = `{ "products": products.{ "gtin": gtin, "name": $exists(tag) ? name & " (" & tag & ")" : name,
  "ownerTaxCode": owner, "netContent": { "value": unit = "tạ" ? kg * 100 : kg, "uom": "KGM" } } }`;
const gtin = (n: number) => gtin13(`89350498${String(800 + n).padStart(4, '0')}`);
const key = (n: number) => `gtin:0${gtin(n)}`;
const product = (n: number, extra: Record<string, unknown> = {}) => ({
  gtin: gtin(n),
  name: `Gạo ${n}`,
  owner: OWNER,
  kg: 5,
  unit: 'kg',
  ...extra,
});
/** Receipts whose records the draft changes (a tag) or fixes (`tạ`), and some it leaves alone. */
const CHANGED = 4;
const FIXED = 1;
const SAME = 2;
const AFFECTED = CHANGED + FIXED;

/*
 * The mapping's roll-out in the interface (docs/mapping-guide.md, "Roll a change out"): the trial
 * names the receipts a draft affects; "Lưu phiên bản mới và chạy lại N lần nhận bị ảnh hưởng"
 * publishes the draft and judges exactly those again, with the operation's progress and Stop. The
 * hub takes one receipt per batch with a pause between batches, so there is progress to watch.
 */
describe('admin UI: publishing a mapping and replaying the receipts its trial found affected, in headless Chromium against the built hub and the portal simulator', () => {
  let rig: AdminUiRig<true>;
  let sim: RunningPortalSim;
  let page: Page;
  const receipts: string[] = [];

  beforeAll(async () => {
    rig = await startAdminUiRig({
      portal: true,
      hubEnv: {
        PREFIX_REGISTRY_CHECK: 'off',
        RECEIPT_BODY_RETENTION_DAYS: 'off',
        OPERATION_BATCH: '1',
        OPERATION_PAUSE_MS: '1000',
      },
    });
    sim = rig.sim;
    const secret = await createActiveSource(rig.base, {
      key: SOURCE,
      provinceCode: '92',
      name: 'Nông sản Cần Thơ',
      kind: 'webhook',
      format: 'json',
      rateLimitPerMinute: 100000,
      mapping: { language: 'jsonata', expression: V1 },
    });
    let n = 0;
    for (let i = 0; i < CHANGED; i++)
      receipts.push(
        await sendWebhook(rig.base, SOURCE, secret, { products: [product(n++, { tag: 'hữu cơ' })] }),
      );
    for (let i = 0; i < FIXED; i++)
      receipts.push(
        await sendWebhook(rig.base, SOURCE, secret, { products: [product(n++, { unit: 'tạ', kg: 2 })] }),
      );
    for (let i = 0; i < SAME; i++)
      receipts.push(await sendWebhook(rig.base, SOURCE, secret, { products: [product(n++)] }));
    // Every accepted record at the portal before the change.
    const deadline = Date.now() + 60_000;
    while (((await simAdmin(sim).accepted('92')) as { keys: number }).keys < CHANGED + SAME) {
      if (Date.now() > deadline) throw new Error('the records did not reach the portal');
      await new Promise((r) => setTimeout(r, 500));
    }
    page = await rig.newPage({ defaultTimeout: 20_000 });
    page.on('dialog', (dialog) => void dialog.accept());
    await rig.signIn(page);
  });

  afterAll(async () => {
    await rig?.close();
  });

  it('tries the draft, publishes it and replays the affected receipts with progress, and the changed records reach the portal as new versions', async () => {
    await page.goto(`${rig.base}/admin/sources/${SOURCE}`);
    await page.getByRole('heading', { name: 'Ánh xạ dữ liệu' }).waitFor();
    await page.getByLabel('Biểu thức ánh xạ (JSONata)').fill(V2);
    const trial = page.getByTestId('mapping-trial');
    await trial.getByRole('button', { name: 'Thử trên các lần nhận gần nhất' }).click();
    await trial.getByTestId('trial-read').waitFor();
    expect(await trial.getByTestId('trial-changed').textContent()).toBe(String(CHANGED));
    expect(await trial.getByTestId('trial-fixed').textContent()).toBe(String(FIXED));

    const button = trial.getByRole('button', {
      name: `Lưu phiên bản mới và chạy lại ${AFFECTED} lần nhận bị ảnh hưởng`,
    });
    await button.focus();
    await page.keyboard.press('Enter');
    // Published first: the mapping version in force is the draft's.
    await page.getByTestId('mapping-version').getByText('2').waitFor();
    await trial
      .getByTestId('trial-replay-asked')
      .getByText(`Đang chạy lại ${AFFECTED} lần nhận với phiên bản ánh xạ 2`)
      .waitFor();
    const progress = trial.getByTestId('operation-progress');
    await progress.waitFor();
    await progress
      .getByTestId('operation-figures')
      .getByText(new RegExp(`^[1-4]/${AFFECTED} mục · \\d+%`))
      .waitFor({ timeout: 60_000 });
    expect(await progress.getByRole('button', { name: 'Dừng tác vụ' }).count()).toBe(1);
    await rig.shot(page, '26-mapping-replay-affected');
    await page
      .locator('[data-testid="mapping-trial"] [data-testid="operation-progress"][data-state="done"]')
      .waitFor({ timeout: 60_000 });
    expect(await progress.getByTestId('operation-figures').textContent()).toMatch(
      new RegExp(`^${AFFECTED}/${AFFECTED} mục · 100%`),
    );
    expect(await progress.getByRole('button', { name: 'Dừng tác vụ' }).count()).toBe(0);

    // The operation took exactly the affected receipts; the portal holds the changed records' new
    // versions and the fixed one, and nothing new of the records the draft leaves alone.
    const ops = (await (
      await rig.api('GET', `/v1/admin/operations?kind=replay&sourceKey=${SOURCE}`)
    ).json()) as {
      items: Array<{ state: string; total: number; params: { receiptIds: string[] } }>;
    };
    expect(ops.items).toHaveLength(1);
    expect([...ops.items[0].params.receiptIds].sort()).toEqual(receipts.slice(0, AFFECTED).sort());
    const deadline = Date.now() + 30_000;
    const versions = async (n: number) =>
      (
        (await simAdmin(sim).accepted('92')) as {
          records: Array<{ key: string; versions: Array<{ version: number; data: { name: string } }> }>;
        }
      ).records.find((r) => r.key === key(n))?.versions ?? [];
    while ((await versions(0)).length < 2 || (await versions(CHANGED)).length < 1) {
      if (Date.now() > deadline) throw new Error('the replayed records did not reach the portal');
      await new Promise((r) => setTimeout(r, 500));
    }
    for (let n = 0; n < CHANGED; n++)
      expect((await versions(n)).map((v) => v.data.name)).toEqual([`Gạo ${n}`, `Gạo ${n} (hữu cơ)`]);
    expect((await versions(CHANGED)).map((v) => v.version)).toEqual([1]);
    for (let n = AFFECTED; n < AFFECTED + SAME; n++)
      expect((await versions(n)).map((v) => v.version)).toEqual([1]);
  });
});
