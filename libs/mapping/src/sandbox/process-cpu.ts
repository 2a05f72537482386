import { readFileSync } from 'node:fs';

/**
 * How many milliseconds of CPU another process has used so far (user + system), read from
 * `/proc/<pid>/stat`; null where that cannot be read (not Linux, the process gone). The kernel
 * counts in clock ticks of 10 ms (USER_HZ is 100 on every Linux the hub runs on).
 */
export function processCpuMs(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 (utime, stime) of the whole line are the 12th and 13th after the name.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) * 10 : null;
}
