// One answered request as the row the attempts table keeps: planned and actual send instants on both clocks, the
// server's own receive instant when the profile names a header for it, and what the answer meant.
import type { AttemptRecord } from '../store';
import type { Outcome } from '../ipc/contract';
import type { AccountRun } from './account-run';
import type { Exchange } from './http-exchange';

/**
 * Answers that only come once the sale is open: the first of them marks the observed open instant. Never an outage
 * (5xx, no answer), an auth failure or a limiter's refusal: those say nothing about the sale.
 */
export const OPEN_EVIDENCE: ReadonlySet<Outcome> = new Set<Outcome>([
  'success',
  'alreadyBooked',
  'pending',
  'soldOut',
  'captchaRejected',
  'captchaRequired',
]);

export function attemptRow(
  campaign: { campaignId: string; itemId: string; serverTimeHeader: string | undefined; offsetMs: number },
  run: AccountRun,
  answer: Exchange,
  plannedLocalMs: number,
  meaning: { outcome: Outcome; errorCode: string | null; captchaConfidence: number | null; orderId: unknown },
): AttemptRecord {
  const header = campaign.serverTimeHeader?.toLowerCase();
  const stamped = header ? Number(answer.headers[header]) : Number.NaN;
  return {
    campaignId: campaign.campaignId,
    accountId: run.account.id,
    itemId: campaign.itemId,
    endpoint: answer.endpoint,
    idempotencyKey: run.key,
    retry: run.retry,
    plannedSendLocalMs: plannedLocalMs,
    plannedSendServerMs: plannedLocalMs + campaign.offsetMs,
    sentLocalMs: answer.sentLocalMs,
    sentServerMs: answer.sentLocalMs + campaign.offsetMs,
    serverReceivedMs: Number.isFinite(stamped) ? stamped : null,
    latencyMs: answer.latencyMs,
    httpStatus: answer.status,
    outcome: meaning.outcome,
    errorCode: meaning.errorCode,
    errorMessage: answer.networkError,
    captchaConfidence: meaning.captchaConfidence,
    orderId: typeof meaning.orderId === 'string' ? meaning.orderId : null,
  };
}
