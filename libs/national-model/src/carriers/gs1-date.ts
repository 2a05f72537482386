/**
 * GS1 YYMMDD → YYYY-MM-DD. Century rule (GS1 General Specifications 7.12): relative to the
 * reference year, a YY more than 50 years ahead is in the previous century and more than 49 years
 * behind is in the next one. DD = 00 means the last day of the month. Returns undefined for an
 * impossible date.
 */
export function gs1DateToIso(
  yymmdd: string,
  referenceYear = new Date().getUTCFullYear(),
): string | undefined {
  if (!/^\d{6}$/.test(yymmdd)) return undefined;
  const yy = Number(yymmdd.slice(0, 2));
  const mm = Number(yymmdd.slice(2, 4));
  let dd = Number(yymmdd.slice(4, 6));
  const currentYy = referenceYear % 100;
  const century = referenceYear - currentYy;
  const diff = yy - currentYy;
  let year = century + yy;
  if (diff >= 51) year -= 100;
  else if (diff <= -50) year += 100;
  if (mm < 1 || mm > 12) return undefined;
  const lastDay = new Date(Date.UTC(year, mm, 0)).getUTCDate();
  if (dd === 0) dd = lastDay;
  if (dd > lastDay) return undefined;
  return `${String(year).padStart(4, '0')}-${String(mm).padStart(2, '0')}-${String(dd).padStart(2, '0')}`;
}

/** YYYY-MM-DD → GS1 YYMMDD (the inverse for real dates; DD=00 is never produced). */
export function isoToGs1Date(iso: string): string | undefined {
  const m = /^\d{2}(\d{2})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? `${m[1]}${m[2]}${m[3]}` : undefined;
}
