// Text (YAML or JSON) → a value checked by a zod schema, or every problem with its path, line and column.
// Used for simulator scenarios now and target profiles with the engine.
import type { z } from 'zod';
import type { Problem } from '../ipc/contract';
import { validateProfileText } from '../targets/validate-text';

export type DocumentResult<T> = { ok: true; value: T; format: 'yaml' | 'json' } | { ok: false; problems: Problem[] };

const formatPath = (path: ReadonlyArray<PropertyKey>): string => path.map((part) => String(part)).join('.');

/** zod's wording, said the way an operator reads it: what is missing, what kind of value was wanted. */
export function inWords(issue: {
  code: string;
  message: string;
  path: ReadonlyArray<PropertyKey>;
  expected?: unknown;
  keys?: string[];
}): string {
  const name = issue.path.length > 0 ? String(issue.path[issue.path.length - 1]) : 'the document';
  if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) {
    const kind = issue.expected === 'object' ? 'section' : issue.expected === 'array' ? 'list' : 'field';
    return `missing ${kind} \`${name}\``;
  }
  if (issue.code === 'invalid_type') {
    const received = /received (\w+)$/.exec(issue.message)?.[1];
    return `should be ${article(String(issue.expected))}${received ? `, not ${article(received)}` : ''}`;
  }
  if (issue.code === 'unrecognized_keys' && issue.keys)
    return `unknown field${issue.keys.length === 1 ? '' : 's'} ${issue.keys.map((key) => `\`${key}\``).join(', ')}`;
  return issue.message.replace(/^Invalid input: /, '');
}

const article = (kind: string): string =>
  kind === 'array'
    ? 'a list'
    : kind === 'object'
      ? 'a section (key: value pairs)'
      : /^[aeiou]/.test(kind)
        ? `an ${kind}`
        : `a ${kind}`;

/** A problem found after the schema passed (an unknown template variable, a bad expression), at a path. */
export interface SemanticProblem {
  path: ReadonlyArray<PropertyKey>;
  message: string;
}

export function parseValidatedDocument<S extends z.ZodType>(
  text: string,
  schema: S,
  format: 'auto' | 'yaml' | 'json' = 'auto',
  semanticChecks?: (value: z.output<S>) => SemanticProblem[],
): DocumentResult<z.output<S>> {
  const parsed = validateProfileText(text, format);
  if (!parsed.ok) return { ok: false, problems: parsed.problems };
  const located = (issuePath: ReadonlyArray<PropertyKey>, message: string): Problem => {
    const path = formatPath(issuePath);
    const where = parsed.locate(issuePath);
    const prefix = path === '' ? '' : `${path}: `;
    const suffix = where ? ` (line ${where.line}, column ${where.column})` : '';
    return { path, message: `${prefix}${message}${suffix}`, ...(where ?? {}) };
  };
  const checked = schema.safeParse(parsed.value);
  if (!checked.success)
    return { ok: false, problems: checked.error.issues.map((issue) => located(issue.path, inWords(issue))) };
  const semantic = semanticChecks?.(checked.data) ?? [];
  if (semantic.length > 0)
    return { ok: false, problems: semantic.map((problem) => located(problem.path, problem.message)) };
  return { ok: true, value: checked.data, format: parsed.format };
}

/** One line per problem, for the CLI. */
export const describeProblems = (problems: Problem[]): string => problems.map((problem) => problem.message).join('\n');
