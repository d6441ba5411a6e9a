// Text (YAML or JSON) → a value checked by a zod schema, or every problem with its path, line and column.
// Used for simulator scenarios now and target profiles with the engine.
import type { z } from 'zod';
import type { Problem } from '../ipc/contract';
import { validateProfileText } from '../targets/validate-text';

export type DocumentResult<T> = { ok: true; value: T; format: 'yaml' | 'json' } | { ok: false; problems: Problem[] };

const formatPath = (path: ReadonlyArray<PropertyKey>): string => path.map((part) => String(part)).join('.');

export function parseValidatedDocument<S extends z.ZodType>(
  text: string,
  schema: S,
  format: 'auto' | 'yaml' | 'json' = 'auto',
): DocumentResult<z.output<S>> {
  const parsed = validateProfileText(text, format);
  if (!parsed.ok) return { ok: false, problems: parsed.problems };
  const checked = schema.safeParse(parsed.value);
  if (checked.success) return { ok: true, value: checked.data, format: parsed.format };
  const problems = checked.error.issues.map((issue) => {
    const path = formatPath(issue.path);
    const where = parsed.locate(issue.path);
    const prefix = path === '' ? '' : `${path}: `;
    const suffix = where ? ` (line ${where.line}, column ${where.column})` : '';
    return { path, message: `${prefix}${issue.message}${suffix}`, ...(where ?? {}) };
  });
  return { ok: false, problems };
}

/** One line per problem, for the CLI. */
export const describeProblems = (problems: Problem[]): string => problems.map((problem) => problem.message).join('\n');
