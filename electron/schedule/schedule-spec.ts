// Checks a schedule beyond its shape: the cron expression and the zone, through node-cron and Intl.
import { TminusError } from '../errors';
import { ScheduleInputSchema, type ScheduleSpec } from './schedule-input';
import { checkCron, checkTimeZone } from './cron-zone';

/** Parses and checks a schedule; throws SCHEDULE_INVALID naming the field at fault. */
export function parseSchedule(input: unknown): ScheduleSpec {
  const parsed = ScheduleInputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new TminusError('SCHEDULE_INVALID', `${issue.path.join('.') || 'schedule'}: ${issue.message}`);
  }
  checkCron(parsed.data.cron);
  checkTimeZone(parsed.data.timeZone);
  return parsed.data;
}
