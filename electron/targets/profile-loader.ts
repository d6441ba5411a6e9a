// Loads a target profile: schema first, then what a schema cannot see — every template names only known variables
// and every JMESPath expression compiles. A profile with any problem is refused before anything is sent.
import { readDocumentFile } from '../common/document-file';
import jmespath from 'jmespath';
import { parseValidatedDocument, describeProblems, type SemanticProblem } from '../common/validated-document';
import { TminusError } from '../errors';
import type { Problem } from '../ipc/contract';
import { TargetProfileSchema, type TargetProfile, type RequestTemplate } from './profile-schema';
import { templateStrings, unknownVariables, TEMPLATE_VARIABLES } from './template';

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
    ...templateStrings(request.json, [...path, 'json']),
  ];
  for (const { path: where, text } of strings) {
    for (const name of unknownVariables(text)) {
      problems.push({
        path: where,
        message: `unknown template variable {{${name}}}; known: ${TEMPLATE_VARIABLES.join(', ')}`,
      });
    }
  }
}

export function profileProblems(profile: TargetProfile): SemanticProblem[] {
  const problems: SemanticProblem[] = [];
  checkRequest(profile.auth.login.request, ['auth', 'login', 'request'], problems);
  checkRequest(profile.auth.refresh?.request, ['auth', 'refresh', 'request'], problems);
  checkRequest(profile.auth.health, ['auth', 'health'], problems);
  checkRequest(profile.captcha?.fetch, ['captcha', 'fetch'], problems);
  checkRequest(profile.book.request, ['book', 'request'], problems);
  checkRequest(profile.orderStatus?.request, ['orderStatus', 'request'], problems);
  for (const name of unknownVariables(profile.auth.header.value)) {
    problems.push({ path: ['auth', 'header', 'value'], message: `unknown template variable {{${name}}}` });
  }
  const tokenFields = (fields: Record<string, string | undefined>, path: Array<string | number>): void => {
    for (const [key, expression] of Object.entries(fields))
      if (expression) checkExpression(expression, [...path, key], problems);
  };
  tokenFields(profile.auth.login.tokens, ['auth', 'login', 'tokens']);
  if (profile.auth.refresh) tokenFields(profile.auth.refresh.tokens, ['auth', 'refresh', 'tokens']);
  if (profile.captcha) {
    checkExpression(profile.captcha.image, ['captcha', 'image'], problems);
    checkExpression(profile.captcha.id, ['captcha', 'id'], problems);
    if (profile.captcha.debugAnswer) checkExpression(profile.captcha.debugAnswer, ['captcha', 'debugAnswer'], problems);
  }
  checkExpression(profile.errorCode, ['errorCode'], problems);
  if (profile.time.kind === 'http-field') checkExpression(profile.time.field, ['time', 'field'], problems);
  profile.outcomes.forEach((matcher, index) => {
    if (matcher.when) checkExpression(matcher.when, ['outcomes', index, 'when'], problems);
    for (const [key, expression] of Object.entries(matcher.extract))
      checkExpression(expression, ['outcomes', index, 'extract', key], problems);
  });
  for (const answer of ['found', 'notFound'] as const) {
    const when = profile.orderStatus?.[answer].when;
    if (when) checkExpression(when, ['orderStatus', answer, 'when'], problems);
  }
  return problems;
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
