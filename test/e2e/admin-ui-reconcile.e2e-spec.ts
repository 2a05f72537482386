import { normalizeRecord, recordKey } from '@txng/national-model';
import { type Page } from 'playwright-core';
import { createActiveSource, createToken } from '../support/admin-client';
import { type AdminUiRig, startAdminUiRig, until } from '../support/admin-ui-rig';
import { simAdmin } from '../support/portal-sim';
import { passThroughSource, sendWebhook } from '../support/webhook-sources';

const ORGS = Array.from({ length: 10 }, (_, n) => ({
  taxCode: `03${String(800 + n).padStart(8, '0')}`,
  name: `HTX Đối soát giao diện ${n}`,
  provinceCode: '92',
}));
const keyOf = (o: unknown) => recordKey('organization', normalizeRecord('organization', o).data)!;

/*
 * "Đối soát ngay" on the overview (docs/sync.md, "Reconciliation"): the portal lost one of Cần
 * Thơ's ten records; an operator starts a reconciliation, watches its read-back move key by key (the
 * simulator answers each read after 300 ms, one key at a time), sees it finish, and the comparison
 * and the province's last reconciliation are read again. A viewer sees the button disabled, and why.
 */
describe('admin UI: reconcile a province now, in headless Chromium against the built hub and the portal simulator', () => {
  let rig: AdminUiRig<true>;
  let page: Page;

  beforeAll(async () => {
    rig = await startAdminUiRig({
      portal: true,
      hubEnv: { RECONCILE_EVERY_MS: '0', RECONCILE_CONCURRENCY: '1', SYNC_LINGER_MS: '200' },
    });
    const secret = await createActiveSource(
      rig.base,
      passThroughSource('rc-can-tho', '92', 'Nông sản Cần Thơ'),
    );
    await sendWebhook(rig.base, 'rc-can-tho', secret, { organizations: ORGS });
    await until(
      async () =>
        ((await (await rig.api('GET', '/v1/admin/provinces/92/reconciliation')).json()) as {
          agreed: boolean | null;
          hub: { counts: Record<string, number> };
        }) ?? null,
      (c) => c.agreed === true && c.hub.counts.organization === ORGS.length,
      'the ten records at the portal',
    );
    const sim = simAdmin(rig.sim);
    await sim.deleteRecord('organization', keyOf(ORGS[4]));
    await sim.faults({ latencyMs: 300 });
    page = await rig.newPage({ defaultTimeout: 30_000 });
  });

  afterAll(async () => {
    await rig?.close();
  });

  it('starts it with the button, shows it moving, and reads the comparison again when it has finished', async () => {
    await rig.signIn(page);
    const province = page.getByRole('region', { name: 'Thành phố Cần Thơ (92)' });
    await province.getByText('Đối soát gần nhất: chưa đối soát').waitFor();
    await province.getByRole('button', { name: 'Đối soát ngay' }).click();

    const progress = province.getByTestId('operation-progress');
    await progress.getByText('Đối soát với Cổng', { exact: true }).waitFor();
    await progress.getByRole('button', { name: 'Dừng tác vụ' }).waitFor();
    // The read-back moves key by key: done of total while it runs.
    await progress
      .getByTestId('operation-figures')
      .getByText(new RegExp(`^[1-9]/${ORGS.length} mục · \\d+%`))
      .waitFor();
    const bar = progress.getByRole('progressbar', { name: 'Tiến độ: Đối soát với Cổng' });
    expect(Number(await bar.getAttribute('value'))).toBeLessThan(100);
    expect(await province.getByRole('button', { name: 'Đối soát ngay' }).isDisabled()).toBe(true);
    await rig.shot(page, '25-reconcile-progress');

    await province
      .locator('[data-testid="operation-progress"][data-state="done"]')
      .waitFor({ timeout: 60_000 });
    await progress.getByTestId('operation-state').getByText('Xong').waitFor();
    // Ten keys read back and the lost one repaired.
    await progress
      .getByTestId('operation-figures')
      .getByText(/^11\/11 mục · 100%/)
      .waitFor();
    const comparison = province.getByTestId('reconcile-comparison');
    // Read right after the repair: the lost key is on its way back to the portal.
    await comparison.waitFor();
    expect(await comparison.textContent()).toMatch(/Trung tâm giữ (9|10) · Cổng quốc gia giữ (9|10) · /);
    await province.getByText(/^Đối soát gần nhất: .*lệch 1 bản ghi, đã sửa 1/).waitFor();
    expect(await province.getByRole('button', { name: 'Đối soát ngay' }).isEnabled()).toBe(true);

    // Once the key is back, a second run agrees, and the comparison shows both sides whole.
    await until(
      async () =>
        ((await (await rig.api('GET', '/v1/admin/records?status=ready')).json()) as { items: [] }).items,
      (items) => items.length === 0,
      'the repaired key sent again',
    );
    await province.getByRole('button', { name: 'Đối soát ngay' }).click();
    await until(
      async () => ((await comparison.count()) > 0 ? await comparison.textContent() : null),
      (text) => /Trung tâm giữ 10 · Cổng quốc gia giữ 10 · khớp$/.test(text ?? ''),
      'the comparison read again after the second run',
    );
    await province.getByText(/^Đối soát gần nhất: .*khớp với Cổng quốc gia/).waitFor();

    // The API says the same: both operations done, the second's run the province's latest.
    const view = (await (await rig.api('GET', '/v1/admin/provinces/92/reconciliation')).json()) as {
      latest: { operationId: string; agreed: boolean; trigger: string };
      previous: Array<{ repaired: number; trigger: string }>;
    };
    expect(view.latest).toMatchObject({ trigger: 'operator', agreed: true });
    expect(view.previous[0]).toMatchObject({ trigger: 'operator', repaired: 1 });
    const op = (await (await rig.api('GET', `/v1/admin/operations/${view.latest.operationId}`)).json()) as {
      state: string;
    };
    expect(op.state).toBe('done');
  });

  it('shows a viewer the button disabled, with the reason', async () => {
    const viewer = await createToken(rig.base, 'viewer', 'Xem đối soát');
    const other = await rig.newPage();
    try {
      await rig.signIn(other, viewer.token);
      const province = other.getByRole('region', { name: 'Thành phố Cần Thơ (92)' });
      const button = province.getByRole('button', { name: 'Đối soát ngay' });
      expect(await button.isDisabled()).toBe(true);
      const reason = 'Cần vai trò vận hành (operator) để đối soát; vai trò của bạn chỉ được xem.';
      expect(await button.getAttribute('aria-describedby')).toBeTruthy();
      await province.getByText(reason).waitFor();
      expect(await other.locator(`#${await button.getAttribute('aria-describedby')}`).textContent()).toBe(
        reason,
      );
    } finally {
      await other.close();
    }
  });
});
