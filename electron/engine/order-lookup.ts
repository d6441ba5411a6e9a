// Settling a booking whose answer never came: was the request committed? Answers that may hide a booking (no HTTP
// answer after the request could have left, a gateway error), and the profile's order lookup that tells.
import type { TargetProfile } from '../targets';
import type { SessionCarrier } from '../targets/profile-requests';
import { renderRequest, type TemplateContext } from '../targets';
import { classify } from './classifier';
import type { Exchange, PreparedRequest } from './http-exchange';
import { retryAfterMs } from './backoff';

/** Network failures that happen before a request is written: nothing can have reached the target. */
const NEVER_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_INVALID_ARG',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_HAS_EXPIRED',
]);
/** Statuses a gateway or a failing server gives after the booking may have been committed behind it. */
const MAY_HAVE_COMMITTED = new Set([500, 502, 504]);

/** True when this answer leaves open whether the booking was made. */
export function mayHaveBooked(answer: Exchange): boolean {
  if (answer.status === null) return !NEVER_SENT.has(answer.networkError ?? '');
  return MAY_HAVE_COMMITTED.has(answer.status);
}

export type LookupResult =
  | { kind: 'found'; orderId: string | null; answer: Exchange }
  | { kind: 'notFound'; answer: Exchange }
  | { kind: 'failed'; error: string; unauthorized: boolean; retryAfterMs: number | null; answer: Exchange };

/** Asks the target whether the booking under this context's key exists. */
export async function lookupOrder(
  profile: TargetProfile,
  context: TemplateContext,
  send: (request: PreparedRequest) => Promise<Exchange>,
  session: SessionCarrier = { header: profile.auth?.header },
): Promise<LookupResult> {
  const lookup = profile.orderStatus!;
  const answer = await send(renderRequest(lookup.request, context, session));
  // Found reads as 'success', not found as 'soldOut'; anything else (no answer included: it has no network matcher
  // here) is 'retryable' or 'fatal' and settles nothing.
  const matched = classify(
    answer,
    [
      { ...lookup.found, outcome: 'success' },
      { ...lookup.notFound, outcome: 'soldOut' },
    ],
    profile.errorCode,
  );
  if (matched.outcome === 'success') {
    const orderId = matched.extracted.orderId;
    return { kind: 'found', orderId: typeof orderId === 'string' ? orderId : null, answer };
  }
  if (matched.outcome === 'soldOut') return { kind: 'notFound', answer };
  return {
    kind: 'failed',
    error: answer.networkError ?? matched.errorCode ?? 'NO_ANSWER',
    unauthorized: answer.status === 401,
    retryAfterMs: retryAfterMs(answer.headers, Date.now()),
    answer,
  };
}
