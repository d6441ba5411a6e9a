// Cron expressions in a named time zone, through node-cron: validation with the field at fault, the next runs, and
// the runs inside a past interval (what a closed app missed).
import cron, { type ScheduledTask } from 'node-cron';
import { TminusError } from '../errors';

/** Throws SCHEDULE_INVALID naming the field when `expression` is not a cron expression node-cron accepts. */
export function checkCron(expression: string): void {
  const result = cron.validateDetailed(expression.trim());
  if (result.valid) return;
  const first = result.errors[0];
  const where = first && first.field !== 'expression' ? ` (${first.field} field)` : '';
  throw new TminusError(
    'SCHEDULE_INVALID',
    `cron: '${expression}' is not a cron expression${where}: ${first?.message ?? 'not understood'}` +
      ' — five fields (minute hour day month weekday) or six with seconds first',
  );
}

/** Throws SCHEDULE_INVALID when `zone` is not an IANA time zone this runtime knows. */
export function checkTimeZone(zone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    throw new TminusError(
      'SCHEDULE_INVALID',
      `timeZone: '${zone}' is not a known time zone (use an IANA name such as Asia/Shanghai or Europe/Berlin)`,
    );
  }
}

/** A stopped node-cron task: used for its matcher only (it never runs). */
function matcher(expression: string, zone: string): ScheduledTask {
  checkCron(expression);
  checkTimeZone(zone);
  return cron.createTask(expression.trim(), () => undefined, { timezone: zone });
}

/** The next `count` runs after now (the system clock, which tests fake). */
export function nextRuns(expression: string, zone: string, count: number): number[] {
  const task = matcher(expression, zone);
  try {
    return task.getNextRuns(count).map((date) => date.getTime());
  } finally {
    void task.destroy();
  }
}

export interface RunsBetween {
  runs: number[];
  /** True when the interval was longer than the scan allows; `runs` holds the first ones found. */
  truncated: boolean;
}

const MINUTE_MS = 60_000;

/**
 * Runs in (fromMs, toMs]: each minute of the interval is tested at the seconds the expression allows. Bounded: at
 * most `maxRuns` runs and 400,000 tests (≈ 9 months of a five-field expression).
 */
export function runsBetween(
  expression: string,
  zone: string,
  fromMs: number,
  toMs: number,
  maxRuns = 100,
): RunsBetween {
  const task = matcher(expression, zone);
  try {
    const seconds = cron.parse(expression.trim()).second;
    const runs: number[] = [];
    let tests = 0;
    for (let minute = Math.floor(fromMs / MINUTE_MS) * MINUTE_MS; minute <= toMs; minute += MINUTE_MS) {
      for (const second of seconds) {
        const at = minute + second * 1_000;
        if (at <= fromMs || at > toMs) continue;
        tests += 1;
        if (task.match(new Date(at))) {
          runs.push(at);
          if (runs.length >= maxRuns) return { runs, truncated: true };
        }
      }
      if (tests > 400_000) return { runs, truncated: true };
    }
    return { runs, truncated: false };
  } finally {
    void task.destroy();
  }
}
