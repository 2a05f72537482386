import { type Page } from 'playwright-core';
import { createActiveSource } from '../support/admin-client';
import { startAdminUiRig, type AdminUiRig } from '../support/admin-ui-rig';
import { gtin13, passThroughSource, sendWebhook } from '../support/webhook-sources';

const product = (item: string, name: string) => ({
  gtin: gtin13(`8935049${item.padStart(5, '0')}`),
  name,
  ownerTaxCode: '0301234567',
  netContent: { value: 5, uom: 'KGM' },
});

describe('admin UI activity charts in headless Chromium against the built hub and the portal simulator', () => {
  let rig: AdminUiRig<true>;
  let base: string;
  let page: Page;

  const shot = (name: string): Promise<void> => rig.shot(page, name);
  const totals = async (): Promise<number[]> =>
    Promise.all(
      ['received', 'quarantined', 'synced'].map(async (k) =>
        Number(((await page.getByTestId(`activity-total-${k}`).textContent()) ?? '').replace(/\./g, '')),
      ),
    );
  /** Reloads until the totals read `want` (the roll-up runs every second here, the UI reads every 30 s). */
  const untilTotals = async (want: number[]): Promise<void> => {
    const deadline = Date.now() + 30_000;
    let last: number[] = [];
    while (Date.now() < deadline) {
      await page.getByTestId('activity-total-received').waitFor();
      last = await totals();
      if (JSON.stringify(last) === JSON.stringify(want)) return;
      await new Promise((r) => setTimeout(r, 1000));
      await page.reload();
    }
    throw new Error(`activity totals still ${JSON.stringify(last)}, wanted ${JSON.stringify(want)}`);
  };

  beforeAll(async () => {
    rig = await startAdminUiRig({ portal: true, hubEnv: { ACTIVITY_ROLLUP_EVERY_MS: '1000' } });
    base = rig.base;
    const good = await createActiveSource(base, passThroughSource('act-can-tho', '92', 'Nông sản Cần Thơ'));
    const bad = await createActiveSource(base, {
      ...passThroughSource('act-ha-noi', '01', 'Thực phẩm Hà Nội'),
      mapping: { language: 'jsonata', expression: '{ "products": products.{ "gtin": gtin, "name": name } }' },
    });
    await sendWebhook(base, 'act-can-tho', good, {
      products: [product('81', 'Gạo ST25'), product('82', 'Gạo thơm'), product('83', 'Nếp cái hoa vàng')],
    });
    await sendWebhook(base, 'act-ha-noi', bad, {
      products: [product('84', 'Cà phê'), product('85', 'Hồ tiêu')],
    });
    page = await rig.newPage();
    await rig.signIn(page);
  });

  afterAll(async () => {
    await rig?.close();
  });

  it('draws the last hour on the overview in Vietnamese: records per minute, lag and queues, per province', async () => {
    await untilTotals([5, 2, 3]);
    const activity = page.getByRole('region', { name: 'Hoạt động' });
    for (const caption of [
      'Bản ghi mỗi phút: nhận, cách ly, đã đồng bộ',
      'Độ trễ từ lúc nhận đến khi Cổng quốc gia nhận (giây)',
      'Bản ghi chờ đồng bộ và việc trong hàng đợi',
    ]) {
      await activity.getByRole('img', { name: caption }).locator('canvas').waitFor();
    }
    // uPlot's legend names each line in Vietnamese, the queues by what they do.
    const legend = await page.getByTestId('chart-flow').locator('.u-legend').innerText();
    expect(legend).toMatch(/Lúc[\s\S]*Nhận[\s\S]*Cách ly[\s\S]*Đã đồng bộ/);
    expect(legend).not.toContain('Time');
    expect(await page.getByTestId('chart-depth').locator('.u-legend').innerText()).toContain(
      'Hàng đợi: Gửi lên Cổng quốc gia',
    );
    // Hovering shows the minute on Vietnam's clock (dd/MM HH:mm) and the value there.
    const flow = page.getByTestId('chart-flow').locator('.u-over');
    const box = (await flow.boundingBox())!;
    await page.mouse.move(box.x + box.width - 2, box.y + box.height / 2);
    const hovered = await page.getByTestId('chart-flow').locator('.u-legend').innerText();
    expect(hovered).toMatch(/\d{2}\/\d{2} \d{2}:\d{2}/);
    // The last point is this minute (or the one before, if the minute turned meanwhile) on Vietnam's clock.
    const vietnam = (d: Date): string => {
      const p = Object.fromEntries(
        new Intl.DateTimeFormat('en-GB', {
          timeZone: 'Asia/Ho_Chi_Minh',
          day: '2-digit',
          month: '2-digit',
          hour: '2-digit',
          minute: '2-digit',
          hourCycle: 'h23',
        })
          .formatToParts(d)
          .map((x) => [x.type, x.value]),
      );
      return `${p.day}/${p.month} ${p.hour}:${p.minute}`;
    };
    const now = new Date();
    expect([vietnam(now), vietnam(new Date(now.getTime() - 60_000))]).toContain(
      /\d{2}\/\d{2} \d{2}:\d{2}/.exec(hovered)?.[0],
    );
    await shot('17-overview-activity');

    // One province: Hà Nội sent the two quarantined records and nothing else.
    await activity.getByLabel('Tỉnh/thành').selectOption('01');
    await untilProvince([2, 2, 0]);
    await activity.getByLabel('Tỉnh/thành').selectOption('');

    // The day, per 5 minutes: the same totals.
    await activity.getByRole('button', { name: '24 giờ qua' }).click();
    expect(await activity.getByRole('button', { name: '24 giờ qua' }).getAttribute('aria-pressed')).toBe(
      'true',
    );
    await page.getByText('mỗi điểm là 5 phút').waitFor();
    expect(await totals()).toEqual([5, 2, 3]);
  });

  it("draws one source's activity on its page", async () => {
    await page.goto(`${base}/admin/sources/act-ha-noi`);
    await page.getByRole('heading', { name: 'Thực phẩm Hà Nội' }).waitFor();
    await page.getByTestId('chart-flow').locator('canvas').waitFor();
    await untilTotals([2, 2, 0]);
    await page.getByRole('img', { name: 'Bản ghi chờ đồng bộ' }).waitFor();
    await shot('18-source-activity');
  });

  /** The province choice keeps the page: wait for the totals to change without reloading. */
  async function untilProvince(want: number[]): Promise<void> {
    const deadline = Date.now() + 15_000;
    let last: number[] = [];
    while (Date.now() < deadline) {
      last = await totals();
      if (JSON.stringify(last) === JSON.stringify(want)) return;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`province totals still ${JSON.stringify(last)}, wanted ${JSON.stringify(want)}`);
  }
});
