const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function realDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/**
 * `dd/MM/yyyy`, `d/M/yyyy`, `dd-MM-yyyy`, `dd.MM.yyyy` (day first, as Vietnamese write dates) and
 * an ISO `YYYY-MM-DD` → `YYYY-MM-DD`; undefined when the text is not a real date in one of them.
 */
export function vnDateToIso(input: string): string | undefined {
  const s = input.trim();
  let y: number, m: number, d: number;
  let match = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s);
  if (match) [d, m, y] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else if ((match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s)))
    [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else return undefined;
  return realDate(y, m, d) ? `${pad(y, 4)}-${pad(m)}-${pad(d)}` : undefined;
}

/**
 * `dd/MM/yyyy HH:mm[:ss]` (Vietnam time) → RFC 3339 with `+07:00`, e.g. `2026-03-12T08:30:00+07:00`.
 * A date alone is midnight; an RFC 3339 time that already has an offset is kept. Undefined when
 * the text is not a real date and time.
 */
export function vnDateTimeToRfc3339(input: string, offset = '+07:00'): string | undefined {
  const s = input.trim();
  if (
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(s) &&
    !Number.isNaN(Date.parse(s))
  )
    return s;
  const match = /^(\S+?)(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(s);
  if (!match) return undefined;
  const date = vnDateToIso(match[1]);
  if (date === undefined) return undefined;
  const [h, min, sec] = [Number(match[2] ?? 0), Number(match[3] ?? 0), Number(match[4] ?? 0)];
  if (h > 23 || min > 59 || sec > 59) return undefined;
  return `${date}T${pad(h)}:${pad(min)}:${pad(sec)}${offset}`;
}
