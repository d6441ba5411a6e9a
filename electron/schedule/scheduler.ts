// Runs schedules: one node-cron task per enabled schedule, in its zone. A run creates a campaign from the template
// (open instant = run + opensAfter) and arms it; a run whose previous campaign is still going is skipped, not
// stacked; runs that fell while the app was closed are recorded as missed at start, never run late.
import cron, { type ScheduledTask } from 'node-cron';
import type { ScheduleRecord, ScheduleRunRecord, ScheduleRunState, SchedulesRepository } from '../store';
import { TminusError } from '../errors';
import { nextRuns, runsBetween } from './cron-zone';
import { parseSchedule } from './schedule-spec';
import type { ScheduleInput } from './schedule-input';

export interface ScheduleEngine {
  /** Creates a draft campaign from a schedule's template with its open instant (server clock, epoch ms). */
  createFromSchedule(template: unknown, opensAtMs: number, scheduleId: number, name: string): { id: string };
  /** Arms it (now or at T − armLead); the returned promise settles when the campaign ends. */
  arm(campaignId: string): { done: Promise<unknown> };
  /** Whether the campaign is still armed or firing. */
  isActive(campaignId: string): boolean;
}

export type LogFn = (fields: Record<string, unknown>, message: string) => void;
export interface SchedulerLog {
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

export interface ScheduleRunEvent {
  scheduleId: number;
  runAtMs: number;
  state: ScheduleRunState;
  campaignId: string | null;
  message: string | null;
}

export interface ScheduleView extends ScheduleRecord {
  next: Array<{ armAtMs: number; opensAtMs: number }>;
  recent: ScheduleRunRecord[];
}

export interface SchedulerDeps {
  repository: SchedulesRepository;
  engine: ScheduleEngine;
  now?: () => number;
  log?: SchedulerLog;
  onRun?: (event: ScheduleRunEvent) => void;
  /** How often the scheduler notes that it is alive (missed-run detection reads it). */
  heartbeatMs?: number;
}

const silent: SchedulerLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

export class Scheduler {
  private readonly tasks = new Map<number, ScheduledTask>();
  private heartbeat: NodeJS.Timeout | null = null;
  private readonly now: () => number;
  private readonly log: SchedulerLog;
  private started = false;

  constructor(private readonly deps: SchedulerDeps) {
    this.now = deps.now ?? Date.now;
    this.log = deps.log ?? silent;
  }

  /** Records the runs missed while the app was closed, then starts every enabled schedule. */
  start(): ScheduleRunEvent[] {
    if (this.started) return [];
    this.started = true;
    const missed: ScheduleRunEvent[] = [];
    for (const schedule of this.deps.repository.list()) {
      if (!schedule.enabled) continue;
      missed.push(...this.recordMissed(schedule));
      this.startTask(schedule);
    }
    // The heartbeat only narrows what a restart reports as missed: a disk that cannot take it now costs nothing.
    const beat = (): void => {
      try {
        this.deps.repository.markChecked([...this.tasks.keys()], this.now());
      } catch (error) {
        this.log.warn({ error: (error as Error).message }, 'schedule heartbeat not written');
      }
    };
    beat();
    this.heartbeat = setInterval(beat, this.deps.heartbeatMs ?? 30_000);
    this.heartbeat.unref();
    return missed;
  }

  async stop(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    if (this.started) this.deps.repository.markChecked([...this.tasks.keys()], this.now());
    this.started = false;
    const tasks = [...this.tasks.values()];
    this.tasks.clear();
    await Promise.all(tasks.map((task) => task.destroy()));
  }

  /** Adds a schedule; `input` is checked here (the CLI passes a template read from a file as it is). */
  add(input: ScheduleInput | Record<string, unknown>): ScheduleView {
    const spec = parseSchedule(input);
    if (this.deps.repository.byName(spec.name))
      throw new TminusError('SCHEDULE_INVALID', `name: a schedule called '${spec.name}' already exists`);
    const record = this.deps.repository.insert(
      {
        name: spec.name,
        cron: spec.cron,
        timeZone: spec.timeZone,
        opensAfterMs: spec.opensAfterMs,
        template: spec.template,
        enabled: spec.enabled,
      },
      this.now(),
    );
    if (this.started && record.enabled) this.startTask(record);
    this.log.info({ scheduleId: record.id, cron: record.cron, timeZone: record.timeZone }, 'schedule added');
    return this.view(record);
  }

  async remove(id: number): Promise<void> {
    this.require(id);
    await this.tasks.get(id)?.destroy();
    this.tasks.delete(id);
    this.deps.repository.remove(id);
    this.log.info({ scheduleId: id }, 'schedule removed');
  }

  async setEnabled(id: number, enabled: boolean): Promise<ScheduleView> {
    this.require(id);
    // From now on: enabling does not report the runs that fell while it was disabled as missed.
    this.deps.repository.setEnabled(id, enabled, this.now());
    await this.tasks.get(id)?.destroy();
    this.tasks.delete(id);
    const record = this.require(id);
    if (enabled && this.started) this.startTask(record);
    return this.view(record);
  }

  list(): ScheduleView[] {
    return this.deps.repository.list().map((record) => this.view(record));
  }

  get(id: number): ScheduleView {
    return this.view(this.require(id));
  }

  private require(id: number): ScheduleRecord {
    const record = this.deps.repository.get(id);
    if (!record) throw new TminusError('SCHEDULE_NOT_FOUND', `no schedule ${id}`);
    return record;
  }

  private view(record: ScheduleRecord): ScheduleView {
    const next = record.enabled
      ? nextRuns(record.cron, record.timeZone, 5).map((armAtMs) => ({
          armAtMs,
          opensAtMs: armAtMs + record.opensAfterMs,
        }))
      : [];
    return { ...record, next, recent: this.deps.repository.runs(record.id, 5) };
  }

  private startTask(record: ScheduleRecord): void {
    const task = cron.schedule(record.cron, (context) => this.run(record.id, context.date.getTime()), {
      timezone: record.timeZone,
      name: `schedule-${record.id}`,
      // node-cron warns on stderr when the event loop lagged; a late run is handled (and recorded) here instead.
      suppressMissedWarning: true,
    });
    this.tasks.set(record.id, task);
  }

  private recordMissed(schedule: ScheduleRecord): ScheduleRunEvent[] {
    const since = schedule.checkedAtMs ?? schedule.createdAtMs;
    const until = this.now() - 1_000;
    if (until <= since) return [];
    const found = runsBetween(schedule.cron, schedule.timeZone, since, until);
    const events: ScheduleRunEvent[] = [];
    found.runs.forEach((runAtMs, index) => {
      if (this.deps.repository.hasRun(schedule.id, runAtMs)) return;
      const more = found.truncated && index === found.runs.length - 1 ? ' (and later runs not listed)' : '';
      const message = `Tminus was not running at ${new Date(runAtMs).toISOString()}; the run was not made late${more}`;
      events.push(this.record(schedule.id, runAtMs, 'missed', null, message));
    });
    if (events.length > 0)
      this.log.warn({ scheduleId: schedule.id, missed: events.length }, `schedule ${schedule.name}: runs missed`);
    return events;
  }

  private record(
    scheduleId: number,
    runAtMs: number,
    state: ScheduleRunState,
    campaignId: string | null,
    message: string | null,
  ): ScheduleRunEvent {
    this.deps.repository.recordRun(
      { scheduleId, runAtMs, state, campaignId: campaignId ?? undefined, message: message ?? undefined },
      this.now(),
    );
    const event = { scheduleId, runAtMs, state, campaignId, message };
    this.deps.onRun?.(event);
    return event;
  }

  /** One run of a schedule at `runAtMs` (the instant the expression named). */
  run(scheduleId: number, runAtMs: number): ScheduleRunEvent | null {
    const schedule = this.deps.repository.get(scheduleId);
    if (!schedule || !schedule.enabled) return null;
    if (this.deps.repository.hasRun(scheduleId, runAtMs)) return null;
    if (schedule.lastCampaignId && this.deps.engine.isActive(schedule.lastCampaignId)) {
      const message = `the previous run's campaign ${schedule.lastCampaignId} is still going; this run was skipped`;
      this.log.warn({ scheduleId, runAtMs }, message);
      return this.record(scheduleId, runAtMs, 'skipped-overlap', null, message);
    }
    const opensAtMs = runAtMs + schedule.opensAfterMs;
    try {
      const name = `${schedule.name} · ${new Date(opensAtMs).toISOString()}`;
      const campaign = this.deps.engine.createFromSchedule(schedule.template, opensAtMs, scheduleId, name);
      const { done } = this.deps.engine.arm(campaign.id);
      done.catch((error: unknown) =>
        this.log.error({ scheduleId, campaignId: campaign.id, error: String(error) }, 'scheduled campaign failed'),
      );
      this.log.info({ scheduleId, campaignId: campaign.id, opensAtMs }, `schedule ${schedule.name}: campaign armed`);
      return this.record(scheduleId, runAtMs, 'started', campaign.id, null);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.log.error({ scheduleId, runAtMs, error: message }, `schedule ${schedule.name}: run failed`);
      return this.record(scheduleId, runAtMs, 'failed', null, message);
    }
  }
}
