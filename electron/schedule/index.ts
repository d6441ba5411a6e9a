// The schedule room: cron expressions in named zones that arm campaign templates.
export {
  Scheduler,
  type ScheduleEngine,
  type ScheduleRunEvent,
  type ScheduleView,
  type SchedulerLog,
} from './scheduler';
export { parseSchedule } from './schedule-spec';
export { ScheduleInputSchema, CampaignTemplateSchema, type ScheduleInput } from './schedule-input';
export { checkCron, checkTimeZone, nextRuns, runsBetween } from './cron-zone';
