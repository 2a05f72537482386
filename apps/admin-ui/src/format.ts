/** Dates dd/MM/yyyy HH:mm in Vietnam's time zone, numbers grouped as vi-VN (1.234,5), whatever the UI language. */

const TIME_ZONE = 'Asia/Ho_Chi_Minh';

const dateTime = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE,
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

const numberFormat = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 1 });

export function formatDateTime(value: string | Date | null | undefined): string {
  if (!value) return '—';
  const date = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return '—';
  const parts = Object.fromEntries(dateTime.formatToParts(date).map((p) => [p.type, p.value]));
  return `${parts.day}/${parts.month}/${parts.year} ${parts.hour}:${parts.minute}`;
}

export function formatNumber(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : numberFormat.format(value);
}

/** 75 → "1 phút 15 giây"-style is overkill here: seconds, minutes or hours with one unit key. */
export function durationParts(seconds: number): { unit: 's' | 'm' | 'h'; value: number } {
  if (seconds < 120) return { unit: 's', value: Math.round(seconds) };
  if (seconds < 7200) return { unit: 'm', value: Math.round(seconds / 60) };
  return { unit: 'h', value: Math.round((seconds / 3600) * 10) / 10 };
}

const clock = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE,
  day: '2-digit',
  month: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** HH:mm on Vietnam's clock (a chart's axis); with `withDay`, dd/MM HH:mm (its legend). */
export function formatTime(date: Date, withDay = false): string {
  const parts = Object.fromEntries(clock.formatToParts(date).map((p) => [p.type, p.value]));
  const time = `${parts.hour}:${parts.minute}`;
  return withDay ? `${parts.day}/${parts.month} ${time}` : time;
}
