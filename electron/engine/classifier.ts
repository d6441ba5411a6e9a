// Turns an answer into an outcome with the profile's matchers: first match wins. A network failure with no matcher
// of its own is retryable; an answer no matcher takes is fatal (the profile does not know it, so do not hammer it).
import jmespath from 'jmespath';
import type { Outcome } from '../ipc/contract';
import type { OutcomeMatcher } from '../targets/profile-schema';
import type { Exchange } from './http-exchange';

export interface Classification {
  outcome: Outcome;
  errorCode: string | null;
  extracted: Record<string, unknown>;
}

const statusMatches = (matcher: OutcomeMatcher, status: number): boolean =>
  matcher.status === undefined ||
  (Array.isArray(matcher.status) ? matcher.status.includes(status) : matcher.status === status);

const search = (body: unknown, expression: string): unknown => {
  try {
    return jmespath.search((body ?? {}) as object, expression);
  } catch {
    return null;
  }
};

const truthy = (value: unknown): boolean =>
  value !== null &&
  value !== undefined &&
  value !== false &&
  value !== '' &&
  !(Array.isArray(value) && value.length === 0);

export function classify(answer: Exchange, matchers: OutcomeMatcher[], errorCodeExpression: string): Classification {
  if (answer.status === null) {
    const matcher = matchers.find((candidate) => candidate.network === true);
    return { outcome: matcher?.outcome ?? 'retryable', errorCode: answer.networkError, extracted: {} };
  }
  const code = search(answer.body, errorCodeExpression);
  const errorCode = typeof code === 'string' ? code : null;
  for (const matcher of matchers) {
    if (matcher.network) continue;
    if (!statusMatches(matcher, answer.status)) continue;
    if (matcher.when && !truthy(search(answer.body, matcher.when))) continue;
    const extracted = Object.fromEntries(
      Object.entries(matcher.extract).map(([key, expression]) => [key, search(answer.body, expression)]),
    );
    return { outcome: matcher.outcome, errorCode: errorCode ?? `HTTP_${answer.status}`, extracted };
  }
  return { outcome: 'fatal', errorCode: errorCode ?? `HTTP_${answer.status}`, extracted: {} };
}
