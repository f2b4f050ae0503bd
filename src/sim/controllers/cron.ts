/**
 * Standard 5-field cron schedules (minute hour day-of-month month day-of-week), with the
 * @hourly/@daily/... shorthands, as CronJob accepts them. Times are UTC unless timeZone is "UTC".
 */
const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const RANGES: Array<[number, number]> = [[0, 59], [0, 23], [1, 31], [1, 12], [0, 7]];

function parseField(field: string, [min, max]: [number, number]): Set<number> | undefined {
  const values = new Set<number>();
  for (const part of field.split(',')) {
    const match = /^(\*|\d+(?:-\d+)?)(?:\/(\d+))?$/.exec(part);
    if (!match) return undefined;
    const step = match[2] ? Number(match[2]) : 1;
    let [lo, hi] = [min, max];
    if (match[1] !== '*') {
      const [a, b] = match[1].split('-').map(Number);
      lo = a;
      hi = b ?? (match[2] ? max : a);
    }
    if (lo < min || hi > max || lo > hi || step < 1) return undefined;
    for (let v = lo; v <= hi; v += step) values.add(v);
  }
  return values;
}

export interface CronSchedule {
  fields: Set<number>[];
}

export function parseCron(expr: string): CronSchedule | undefined {
  const text = MACROS[expr.trim()] ?? expr.trim();
  const parts = text.split(/\s+/);
  if (parts.length !== 5) return undefined;
  const fields = parts.map((p, i) => parseField(p, RANGES[i]));
  if (fields.some((f) => !f)) return undefined;
  const dow = fields[4]!;
  if (dow.has(7)) dow.add(0);
  return { fields: fields as Set<number>[] };
}

/** The first scheduled minute strictly after `afterMs`, or undefined if none within ~4 years. */
export function nextRun(schedule: CronSchedule, afterMs: number): number | undefined {
  const [minutes, hours, days, months, weekdays] = schedule.fields;
  const t = new Date(Math.floor(afterMs / 60_000) * 60_000 + 60_000);
  const limit = afterMs + 4 * 366 * 24 * 3600_000;
  while (t.getTime() < limit) {
    if (!months.has(t.getUTCMonth() + 1)) {
      t.setUTCMonth(t.getUTCMonth() + 1, 1);
      t.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!days.has(t.getUTCDate()) || !weekdays.has(t.getUTCDay())) {
      t.setUTCDate(t.getUTCDate() + 1);
      t.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!hours.has(t.getUTCHours())) {
      t.setUTCHours(t.getUTCHours() + 1, 0, 0, 0);
      continue;
    }
    if (!minutes.has(t.getUTCMinutes())) {
      t.setUTCMinutes(t.getUTCMinutes() + 1, 0, 0);
      continue;
    }
    return t.getTime();
  }
  return undefined;
}
