// The requests around a booking that are not the booking itself: the profile's steps before it (query → hold → …),
// and the polls after a queued (pending) answer. Each goes inside the target's and the account's budgets; what the
// answers extract is kept as the account's {{vars.*}}.
import type { LocalClock } from '../clock';
import type { IntentMark } from '../store';
import type { Outcome } from '../ipc/contract';
import type { RequestTemplate, TargetProfile } from '../targets';
import { searchJson } from '../targets/answer-reader';
import { sleep, type AccountRun } from './account-run';
import { retryAfterMs } from './backoff';
import { classify, truthy } from './classifier';
import type { Endpoint } from './endpoint-pool';
import { exchange, type Exchange, type PreparedRequest } from './http-exchange';
import { marksForAnswer } from './intent-settler';

/** What the steps and polls need of the running campaign. */
export interface StepHost {
  profile: TargetProfile;
  clock: LocalClock;
  campaignId: string;
  keyHonoured: boolean;
  /** Ends every wait (cancel, deadline, sold out). */
  stopSignal: AbortSignal;
  /** Cancel only: a queued booking's decision is worth waiting for past the deadline. */
  abortSignal: AbortSignal;
  /** Waits for a slot in the target's and the account's buckets. */
  waitForSlot(run: AccountRun, signal: AbortSignal): Promise<void>;
  chooseEndpoint(): Endpoint | null;
  render(run: AccountRun, template: RequestTemplate): PreparedRequest;
  stopped(run: AccountRun): boolean;
  record(
    run: AccountRun,
    answer: Exchange,
    plannedLocalMs: number,
    outcome: Outcome,
    errorCode: string | null,
    orderId: string | null,
    marks: IntentMark[],
  ): void;
  react(run: AccountRun, outcome: Outcome, answer: Exchange, scope: 'account' | 'client'): Promise<void>;
}

/** Keeps what an answer extracted as the account's vars (strings and numbers only). */
export function keepVars(run: AccountRun, extracted: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(extracted))
    if (typeof value === 'string' || typeof value === 'number') run.vars[name] = String(value);
}

/**
 * The profile's steps before the booking request: true when every step that applied went through (its extractions
 * are the account's vars) and the booking's slot has come; else the attempt ends with what the step's answer meant —
 * recorded (its error code prefixed with the step's name) and reacted to as any answer. A step that went through is
 * not an attempt row (a hold is not a booking: only the booking's own answer can be a success), and no step marks an
 * intent.
 */
export async function runSteps(run: AccountRun, plannedLocalMs: number, host: StepHost): Promise<boolean> {
  const { profile, clock } = host;
  for (const [index, step] of profile.book.steps.entries()) {
    if (step.when && !truthy(searchJson({ vars: run.vars }, step.when))) continue;
    if (index > 0) await host.waitForSlot(run, host.stopSignal);
    if (host.stopped(run)) return false;
    const endpoint = host.chooseEndpoint();
    if (!endpoint) {
      run.heldByBreaker = true;
      await sleep(profile.breaker.openMs / 2, host.stopSignal);
      return false;
    }
    endpoint.breaker.onSend();
    const answer = await exchange(endpoint, host.render(run, step.request), clock, profile.limits.timeoutMs);
    run.cookies?.take(answer.endpoint + step.request.path, answer.headers);
    const classification = classify(answer, step.outcomes ?? profile.outcomes, profile.errorCode);
    const { outcome } = classification;
    endpoint.observe(outcome !== 'retryable', answer.latencyMs, clock.nowMs());
    keepVars(run, classification.extracted);
    if (outcome === 'success') continue;
    host.record(run, answer, plannedLocalMs, outcome, `${step.name}:${classification.errorCode ?? ''}`, null, []);
    run.retry += 1;
    await host.react(run, outcome, answer, classification.scope);
    return false;
  }
  if (host.stopped(run)) return false;
  await host.waitForSlot(run, host.stopSignal);
  return !host.stopped(run);
}

/**
 * A queued booking, polled inside the budget until it is decided or the poll's time is up (then it stays unknown and
 * is settled like a lost answer). The decided answer is recorded (polls still pending are not); a decided ticket
 * settles the intent either way.
 */
export async function pollQueued(run: AccountRun, host: StepHost): Promise<void> {
  const { profile, clock } = host;
  const poll = profile.book.poll!;
  const untilMs = clock.nowMs() + poll.maxMs;
  while (!host.abortSignal.aborted && clock.nowMs() < untilMs) {
    await sleep(poll.everyMs, host.abortSignal);
    await host.waitForSlot(run, host.abortSignal);
    const endpoint = host.chooseEndpoint();
    if (!endpoint || host.abortSignal.aborted) continue;
    const answer = await exchange(endpoint, host.render(run, poll.request), clock, profile.limits.timeoutMs);
    const classification = classify(answer, poll.outcomes ?? profile.outcomes, profile.errorCode);
    const { outcome } = classification;
    endpoint.observe(outcome !== 'retryable', answer.latencyMs, clock.nowMs());
    if (outcome === 'pending' || outcome === 'retryable' || outcome === 'rateLimited') {
      if (outcome === 'rateLimited')
        run.limiter.holdUntil(clock.nowMs() + (retryAfterMs(answer.headers, Date.now()) ?? 0));
      continue;
    }
    const order = typeof classification.extracted.orderId === 'string' ? classification.extracted.orderId : null;
    const marks = marksForAnswer(host.campaignId, run, answer, outcome, order, host.keyHonoured);
    // The ticket is decided: whatever it says, no booking is hanging on this request any more.
    if (run.unknown && outcome !== 'success' && outcome !== 'alreadyBooked') {
      run.unknown = false;
      marks.push({ kind: 'cleared', campaignId: host.campaignId, accountId: run.account.id });
    }
    host.record(run, answer, answer.sentLocalMs, outcome, classification.errorCode, order, marks);
    run.retry += 1;
    await host.react(run, outcome, answer, classification.scope);
    return;
  }
}
