// `targets/validate`, first stage: is the profile text well-formed YAML or JSON? Every problem comes back with its
// line and column. The profile schema itself arrives with the engine and extends this.
import { parseDocument, LineCounter } from 'yaml';
import type { Problem } from '../ipc/contract';

export interface TextValidation {
  ok: boolean;
  format: 'yaml' | 'json';
  problems: Problem[];
  value: unknown;
}

const looksLikeJson = (text: string): boolean => /^\s*[{[]/.test(text);

function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let index = 0; index < offset && index < text.length; index += 1) {
    if (text.charCodeAt(index) === 10) {
      line += 1;
      lineStart = index + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

function validateJson(text: string): TextValidation {
  try {
    return { ok: true, format: 'json', problems: [], value: JSON.parse(text) as unknown };
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    const explicit = /line (\d+) column (\d+)/.exec(message);
    const where = explicit
      ? { line: Number(explicit[1]), column: Number(explicit[2]) }
      : position
        ? lineColumnAt(text, Number(position[1]))
        : lineColumnAt(text, text.length);
    const reason = message.replace(/\s*(in JSON )?at position \d+.*$/, '').replace(/^JSON\.parse: /, '');
    return {
      ok: false,
      format: 'json',
      value: undefined,
      problems: [{ path: '', message: `${reason} at line ${where.line}, column ${where.column}`, ...where }],
    };
  }
}

function validateYaml(text: string): TextValidation {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const problems: Problem[] = document.errors.map((error) => {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    const firstLine = error.message.split('\n')[0] ?? error.message;
    return { path: '', message: `${firstLine} at line ${line}, column ${col}`, line, column: col };
  });
  return {
    ok: problems.length === 0,
    format: 'yaml',
    problems,
    value: problems.length === 0 ? (document.toJS() as unknown) : undefined,
  };
}

export function validateProfileText(text: string, format: 'auto' | 'yaml' | 'json'): TextValidation {
  const chosen = format === 'auto' ? (looksLikeJson(text) ? 'json' : 'yaml') : format;
  const result = chosen === 'json' ? validateJson(text) : validateYaml(text);
  if (result.ok && (result.value === null || typeof result.value !== 'object' || Array.isArray(result.value))) {
    return {
      ...result,
      ok: false,
      problems: [{ path: '', message: 'a target profile must be a mapping (an object) at the top level' }],
    };
  }
  return result;
}
