// Loads a target profile: schema first, then what a schema cannot see — every template names only known variables
// and every JMESPath expression compiles. A profile with any problem is refused before anything is sent.
import { readDocumentFile } from '../common/document-file';
import jmespath from 'jmespath';
import { parseValidatedDocument, describeProblems, type SemanticProblem } from '../common/validated-document';
import { TminusError } from '../errors';
import type { Problem } from '../ipc/contract';
import { TargetProfileSchema, type TargetProfile, type RequestTemplate } from './profile-schema';
import { templateStrings, unknownVariables, TEMPLATE_FAMILIES, TEMPLATE_VARIABLES } from './template';
import { readerExpression, type Reader } from './answer-reader';

function checkExpression(expression: string, path: Array<string | number>, problems: SemanticProblem[]): void {
  try {
    jmespath.compile(expression);
  } catch (error) {
    problems.push({ path, message: `'${expression}' is not a JMESPath expression: ${(error as Error).message}` });
  }
}

function checkRequest(
  request: RequestTemplate | undefined,
  path: Array<string | number>,
  problems: SemanticProblem[],
): void {
  if (!request) return;
  const strings = [
    { path: [...path, 'path'], text: request.path },
    ...Object.entries(request.headers).map(([name, text]) => ({ path: [...path, 'headers', name], text })),
    ...Object.entries(request.query).map(([name, text]) => ({ path: [...path, 'query', name], text })),
    ...Object.entries(request.form ?? {}).map(([name, text]) => ({ path: [...path, 'form', name], text })),
    ...(request.text === undefined ? [] : [{ path: [...path, 'text'], text: request.text }]),
    ...templateStrings(request.json, [...path, 'json']),
  ];
  for (const { path: where, text } of strings) {
    for (const name of unknownVariables(text)) {
      problems.push({
        path: where,
        message: `unknown template variable {{${name}}}; known: ${[...TEMPLATE_VARIABLES, ...TEMPLATE_FAMILIES].join(', ')}`,
      });
    }
  }
}

function checkReader(reader: Reader | undefined, path: Array<string | number>, problems: SemanticProblem[]): void {
  const expression = reader === undefined ? null : readerExpression(reader);
  if (expression !== null) checkExpression(expression, path, problems);
}

export function profileProblems(profile: TargetProfile): SemanticProblem[] {
  const problems: SemanticProblem[] = [];
  const { auth } = profile;
  if (auth) {
    checkRequest(auth.login.request, ['auth', 'login', 'request'], problems);
    checkRequest(auth.refresh?.request, ['auth', 'refresh', 'request'], problems);
    checkRequest(auth.health, ['auth', 'health'], problems);
    for (const name of unknownVariables(auth.header?.value ?? '')) {
      problems.push({ path: ['auth', 'header', 'value'], message: `unknown template variable {{${name}}}` });
    }
    const tokenFields = (fields: Record<string, Reader | undefined>, path: Array<string | number>): void => {
      for (const [key, reader] of Object.entries(fields)) checkReader(reader, [...path, key], problems);
    };
    tokenFields(auth.login.tokens, ['auth', 'login', 'tokens']);
    if (auth.refresh) tokenFields(auth.refresh.tokens, ['auth', 'refresh', 'tokens']);
  }
  checkRequest(profile.captcha?.fetch, ['captcha', 'fetch'], problems);
  checkRequest(profile.book.request, ['book', 'request'], problems);
  checkRequest(profile.book.poll?.request, ['book', 'poll', 'request'], problems);
  profile.book.steps.forEach((step, index) => {
    checkRequest(step.request, ['book', 'steps', index, 'request'], problems);
    if (step.when) checkExpression(step.when, ['book', 'steps', index, 'when'], problems);
    step.outcomes?.forEach((matcher, n) => {
      if (matcher.when) checkExpression(matcher.when, ['book', 'steps', index, 'outcomes', n, 'when'], problems);
      for (const [key, reader] of Object.entries(matcher.extract))
        checkReader(reader, ['book', 'steps', index, 'outcomes', n, 'extract', key], problems);
    });
  });
  profile.book.poll?.outcomes?.forEach((matcher, index) => {
    if (matcher.when) checkExpression(matcher.when, ['book', 'poll', 'outcomes', index, 'when'], problems);
  });
  if (profile.book.poll && !profile.outcomes.some((matcher) => matcher.outcome === 'pending'))
    problems.push({ path: ['book', 'poll'], message: 'a poll needs an outcome matcher that says pending' });
  checkRequest(profile.orderStatus?.request, ['orderStatus', 'request'], problems);
  if (profile.warmUp !== 'off') checkRequest(profile.warmUp.request, ['warmUp', 'request'], problems);
  if (profile.captcha) {
    checkReader(profile.captcha.image, ['captcha', 'image'], problems);
    checkReader(profile.captcha.id, ['captcha', 'id'], problems);
    checkReader(profile.captcha.debugAnswer, ['captcha', 'debugAnswer'], problems);
  }
  checkExpression(profile.errorCode, ['errorCode'], problems);
  if (profile.time.kind === 'http-field') checkExpression(profile.time.field, ['time', 'field'], problems);
  profile.outcomes.forEach((matcher, index) => {
    if (matcher.when) checkExpression(matcher.when, ['outcomes', index, 'when'], problems);
    for (const [key, reader] of Object.entries(matcher.extract))
      checkReader(reader, ['outcomes', index, 'extract', key], problems);
    if (matcher.scope === 'client' && matcher.outcome !== 'rateLimited')
      problems.push({ path: ['outcomes', index, 'scope'], message: 'scope: client is for rateLimited answers only' });
  });
  for (const answer of ['found', 'notFound'] as const) {
    const when = profile.orderStatus?.[answer].when;
    if (when) checkExpression(when, ['orderStatus', answer, 'when'], problems);
  }
  return problems;
}

/**
 * What the profile leaves the operator without, in words (`targets validate` and the console say it): not errors, the
 * price of what the target does not offer.
 */
export function profileCaveats(profile: TargetProfile): string[] {
  const caveats: string[] = [];
  if (!profile.orderStatus && !profile.book.idempotencyKeyHonoured)
    caveats.push(
      'no orderStatus and the booking key is not honoured: a booking whose answer is lost cannot be settled — the ' +
        'account stops instead of retrying, its result stays unknown, and reconciliation after a crash cannot ask',
    );
  else if (!profile.orderStatus)
    caveats.push(
      'no orderStatus: a lost answer is settled by retrying with the same (honoured) key, but reconciliation after a ' +
        'crash cannot ask the target',
    );
  if (profile.auth && !profile.auth.health && !profile.auth.refresh)
    caveats.push('no health request and no refresh: arming cannot prove a session, only trust its expiry');
  return caveats;
}

export function validateProfile(
  text: string,
  format: 'auto' | 'yaml' | 'json' = 'auto',
): { ok: true; profile: TargetProfile } | { ok: false; problems: Problem[] } {
  const result = parseValidatedDocument(text, TargetProfileSchema, format, profileProblems);
  return result.ok ? { ok: true, profile: result.value } : { ok: false, problems: result.problems };
}

export function parseProfile(text: string, source = 'profile'): TargetProfile {
  const result = validateProfile(text);
  if (!result.ok) {
    throw new TminusError(
      'PROFILE_INVALID',
      `${source} is not a valid target profile:\n${describeProblems(result.problems)}`,
      {
        problems: result.problems,
      },
    );
  }
  return result.profile;
}

export function loadProfileFile(file: string): TargetProfile {
  return parseProfile(readDocumentFile(file, 'PROFILE_INVALID', 'profile'), file);
}
