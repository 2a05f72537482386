import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { api, type ActivitySeries } from '../api';
import { formatNumber, formatTime } from '../format';
import { useLoad } from '../hooks';
import { ErrorMessage, Loading } from './ui';

/** The roll-up runs every 30 s (ACTIVITY_ROLLUP_EVERY_MS): reading more often shows nothing new. */
export const ACTIVITY_POLL_MS = 30_000;

type Window = 'hour' | 'day';

interface Line {
  label: string;
  color: string;
  values: Array<number | null>;
  dash?: number[];
  /** Mark each value (a sparse line, such as the lag, may have points with no neighbour to join). */
  dots?: boolean;
}

const COLORS = {
  received: '#0b5cad',
  quarantined: '#b3261e',
  synced: '#1f7a3a',
  lagAvg: '#9a5b00',
  lagMax: '#5b6475',
  backlog: '#0b5cad',
  queues: ['#6a3d9a', '#b15928', '#1f78b4', '#33a02c', '#e31a1c'],
};

/**
 * One time-series chart drawn with uPlot on a canvas, sized to its container. The canvas is an image
 * to a screen reader: the figure's caption and the totals under it say what it shows.
 */
function TimeChart({
  title,
  times,
  lines,
  unit,
  testId,
  timeLabel,
}: {
  title: string;
  timeLabel: string;
  times: number[];
  lines: Line[];
  unit: string;
  testId: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = lines.map((l) => l.label).join('|');

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const opts: uPlot.Options = {
      width: Math.max(el.clientWidth, 280),
      height: 180,
      // Time stays on Vietnam's clock whatever the browser's time zone (as every date of the UI).
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Asia/Ho_Chi_Minh'),
      cursor: { drag: { x: false, y: false } },
      legend: { live: true },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
      axes: [
        {
          values: (_u, splits) => splits.map((s) => formatTime(new Date(s * 1000))),
          stroke: '#5b6475',
        },
        {
          values: (_u, splits) => splits.map((s) => formatNumber(s)),
          stroke: '#5b6475',
          size: 56,
          label: unit,
          labelSize: 18,
        },
      ],
      series: [
        {
          label: timeLabel,
          value: (_u, v) => (v === null ? '—' : formatTime(new Date(v * 1000), true)),
        },
        ...lines.map((l) => ({
          label: l.label,
          stroke: l.color,
          width: 2,
          dash: l.dash,
          spanGaps: false,
          points: { show: l.dots === true, size: 5 },
          value: (_u: uPlot, v: number | null) => (v === null ? '—' : formatNumber(v)),
        })),
      ],
    };
    const chart = new uPlot(opts, [times, ...lines.map((l) => l.values)], el);
    plot.current = chart;
    // uPlot's legend is a table: name it for screen readers, as every table of the interface is.
    const legend = el.querySelector('table.u-legend');
    if (legend) {
      const caption = document.createElement('caption');
      caption.className = 'visually-hidden';
      caption.textContent = title;
      legend.prepend(caption);
    }
    const resize = new ResizeObserver(() =>
      chart.setSize({ width: Math.max(el.clientWidth, 280), height: 180 }),
    );
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
    // Rebuilt when the lines change (another set of queues); new data only updates the chart.
  }, [shape, unit, timeLabel, title]);

  useEffect(() => {
    plot.current?.setData([times, ...lines.map((l) => l.values)]);
  }, [times, lines]);

  return (
    <figure className="chart" data-testid={testId}>
      <figcaption>{title}</figcaption>
      <div ref={box} role="img" aria-label={title} className="chart-canvas" />
    </figure>
  );
}

const total = (values: Array<number | null>, stepMinutes: number): number =>
  Math.round(values.reduce<number>((n, v) => n + (v ?? 0), 0) * stepMinutes);

/**
 * Records per minute received, quarantined and synced; lag from receipt to portal; backlog and queue
 * depth — the last hour or day, for the whole hub, one province or one source (GET /v1/admin/activity).
 */
export function ActivityCharts({
  source,
  provinces,
  queues = false,
}: {
  source?: string;
  /** Offer a choice of province (all by default) among these. */
  provinces?: Array<{ code: string; name: string }>;
  /** Also chart the queues' depth (hub-wide: queues are not per source). */
  queues?: boolean;
}) {
  const { t } = useTranslation();
  const [window, setWindow] = useState<Window>('hour');
  const [province, setProvince] = useState('');
  const params = new URLSearchParams({ window });
  if (source) params.set('source', source);
  if (province) params.set('province', province);
  const { data, error } = useLoad(
    (signal) => api<ActivitySeries>(`/v1/admin/activity?${params.toString()}`, { signal }),
    [window, source, province],
    ACTIVITY_POLL_MS,
  );
  const [series, setSeries] = useState<{
    times: number[];
    flow: Line[];
    lag: Line[];
    depth: Line[];
  } | null>(null);

  useEffect(() => {
    if (!data) return;
    const times = data.points.map((p) => Date.parse(p.at) / 1000);
    const names = [...new Set(data.queueDepth.flatMap((q) => Object.keys(q.depth)))].sort();
    const depthAt = new Map(data.queueDepth.map((q) => [q.at, q.depth]));
    setSeries({
      times,
      flow: [
        { label: t('activity.received'), color: COLORS.received, values: data.points.map((p) => p.received) },
        {
          label: t('activity.quarantined'),
          color: COLORS.quarantined,
          values: data.points.map((p) => p.quarantined),
        },
        { label: t('activity.synced'), color: COLORS.synced, values: data.points.map((p) => p.synced) },
      ],
      lag: [
        {
          label: t('activity.lagAvg'),
          color: COLORS.lagAvg,
          values: data.points.map((p) => p.lagAvgSeconds),
        },
        {
          label: t('activity.lagMax'),
          color: COLORS.lagMax,
          dash: [4, 4],
          dots: true,
          values: data.points.map((p) => p.lagMaxSeconds),
        },
      ],
      depth: [
        { label: t('activity.backlog'), color: COLORS.backlog, values: data.points.map((p) => p.backlog) },
        ...(queues
          ? names.map((name, i) => ({
              label: t('activity.queue', { name: t(`queues.about.${name}`, { defaultValue: name }) }),
              color: COLORS.queues[i % COLORS.queues.length],
              dash: [6, 3],
              values: data.points.map((p) => depthAt.get(p.at)?.[name] ?? null),
            }))
          : []),
      ],
    });
  }, [data, queues, t]);

  const stepMinutes = (data?.stepSeconds ?? 60) / 60;
  return (
    <section className="activity" aria-labelledby="activity-heading">
      <div className="activity-head">
        <h2 id="activity-heading">{t('activity.title')}</h2>
        {provinces && (
          <label>
            {t('activity.province')}{' '}
            <select value={province} onChange={(e) => setProvince(e.target.value)}>
              <option value="">{t('common.all')}</option>
              {provinces.map((p) => (
                <option key={p.code} value={p.code}>
                  {p.name} ({p.code})
                </option>
              ))}
            </select>
          </label>
        )}
        <div role="group" aria-label={t('activity.window')} className="segmented">
          {(['hour', 'day'] as const).map((w) => (
            <button
              key={w}
              type="button"
              className={w === window ? '' : 'secondary'}
              aria-pressed={w === window}
              onClick={() => setWindow(w)}
            >
              {t(`activity.windows.${w}`)}
            </button>
          ))}
        </div>
      </div>
      <ErrorMessage error={error} />
      {!series && !error && <Loading />}
      {series && data && (
        <>
          <ul
            className="cards compact"
            aria-label={t('activity.totals', { window: t(`activity.windows.${window}`) })}
          >
            {(['received', 'quarantined', 'synced'] as const).map((k, i) => (
              <li className="card" key={k}>
                <span className="card-value" data-testid={`activity-total-${k}`}>
                  {formatNumber(total(series.flow[i].values, stepMinutes))}
                </span>
                <span className="card-label">{t(`activity.totalOf.${k}`)}</span>
              </li>
            ))}
          </ul>
          <div className="charts">
            <TimeChart
              title={t('activity.flowTitle')}
              unit={t('activity.perMinute')}
              times={series.times}
              lines={series.flow}
              testId="chart-flow"
              timeLabel={t('activity.time')}
            />
            <TimeChart
              title={t('activity.lagTitle')}
              unit={t('activity.seconds')}
              times={series.times}
              lines={series.lag}
              testId="chart-lag"
              timeLabel={t('activity.time')}
            />
            <TimeChart
              title={queues ? t('activity.depthTitle') : t('activity.backlogTitle')}
              unit={t('activity.items')}
              times={series.times}
              lines={series.depth}
              testId="chart-depth"
              timeLabel={t('activity.time')}
            />
          </div>
          <p className="muted small">{t('activity.note', { step: formatNumber(stepMinutes) })}</p>
        </>
      )}
    </section>
  );
}
