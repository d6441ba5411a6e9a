// The `schedules/*` calls.
import type { HandlersFor } from '../ipc/router';
import type { Scheduler, ScheduleView } from './scheduler';

const view = (schedule: ScheduleView) => ({
  id: schedule.id,
  name: schedule.name,
  cron: schedule.cron,
  timeZone: schedule.timeZone,
  opensAfterMs: schedule.opensAfterMs,
  template: schedule.template,
  enabled: schedule.enabled,
  lastRunAtMs: schedule.lastRunAtMs,
  lastCampaignId: schedule.lastCampaignId,
  next: schedule.next,
  recent: schedule.recent.map(({ scheduleId, runAtMs, state, campaignId, message }) => ({
    scheduleId,
    runAtMs,
    state,
    campaignId,
    message,
  })),
});

export function scheduleHandlers(scheduler: Scheduler): HandlersFor<'schedules'> {
  return {
    'schedules/list': () => scheduler.list().map(view),
    'schedules/add': (input) => view(scheduler.add(input)),
    'schedules/remove': async ({ id }) => {
      await scheduler.remove(id);
      return { removed: true };
    },
    'schedules/set-enabled': async ({ id, enabled }) => view(await scheduler.setEnabled(id, enabled)),
  };
}
