// Text (YAML or JSON) → a value checked by a zod schema, or every problem with its path, line and column.
// Used for simulator scenarios now and target profiles with the engine.
import type { z } from 'zod';
import type { Problem } from '../ipc/contract';
import { validateProfileText } from '../targets/validate-text';

export type DocumentResult<T> = { ok: true; value: T; format: 'yaml' | 'json' } | { ok: false; problems: Problem[] };

const formatPath = (path: ReadonlyArray<PropertyKey>): string => path.map((part) => String(part)).join('.');

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
    return { ok: false, problems: checked.error.issues.map((issue) => located(issue.path, issue.message)) };
  const semantic = semanticChecks?.(checked.data) ?? [];
  if (semantic.length > 0)
    return { ok: false, problems: semantic.map((problem) => located(problem.path, problem.message)) };
  return { ok: true, value: checked.data, format: parsed.format };
}

/** One line per problem, for the CLI. */
export const describeProblems = (problems: Problem[]): string => problems.map((problem) => problem.message).join('\n');
