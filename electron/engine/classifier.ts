// Turns an answer into an outcome with the profile's matchers: first match wins. A network failure with no matcher
// of its own is retryable; an answer no matcher takes is fatal (the profile does not know it, so do not hammer it).
import type { Outcome } from '../ipc/contract';
import type { OutcomeMatcher } from '../targets/profile-schema';
import { readAnswer, searchJson } from '../targets/answer-reader';
import type { Exchange } from './http-exchange';

export interface Classification {
  outcome: Outcome;
  errorCode: string | null;
  extracted: Record<string, unknown>;
  /** Whom a rateLimited answer limits: this account, or the whole client. */
  scope: 'account' | 'client';
}

const statusMatches = (matcher: OutcomeMatcher, status: number): boolean =>
  matcher.status === undefined ||
  (Array.isArray(matcher.status) ? matcher.status.includes(status) : matcher.status === status);

const search = searchJson;
const patterns = new Map<string, RegExp>();

const bodyMatches = (answer: Exchange, pattern: string): boolean => {
  let compiled = patterns.get(pattern);
  if (!compiled) patterns.set(pattern, (compiled = new RegExp(pattern)));
  return answer.raw !== null && compiled.test(answer.raw.toString('utf8'));
};

export const truthy = (value: unknown): boolean =>
  value !== null &&
  value !== undefined &&
  value !== false &&
  value !== '' &&
  !(Array.isArray(value) && value.length === 0);

export function classify(answer: Exchange, matchers: OutcomeMatcher[], errorCodeExpression: string): Classification {
  if (answer.status === null) {
    const matcher = matchers.find((candidate) => candidate.network === true);
    return {
      outcome: matcher?.outcome ?? 'retryable',
      errorCode: answer.networkError,
      extracted: {},
      scope: matcher?.scope ?? 'account',
    };
  }
  const code = search(answer.body, errorCodeExpression);
  const errorCode = typeof code === 'string' ? code : null;
  for (const matcher of matchers) {
    if (matcher.network) continue;
    if (!statusMatches(matcher, answer.status)) continue;
    if (matcher.when && !truthy(search(answer.body, matcher.when))) continue;
    if (matcher.bodyMatches && !bodyMatches(answer, matcher.bodyMatches)) continue;
    const extracted = Object.fromEntries(
      Object.entries(matcher.extract).map(([key, reader]) => [key, readAnswer(reader, answer)]),
    );
    return {
      outcome: matcher.outcome,
      errorCode: errorCode ?? `HTTP_${answer.status}`,
      extracted,
      scope: matcher.scope,
    };
  }
  return { outcome: 'fatal', errorCode: errorCode ?? `HTTP_${answer.status}`, extracted: {}, scope: 'account' };
}
