// Parses YAML or JSON text for a profile or a scenario. Every syntax problem comes back with its line and column, and
// the parsed document can locate a path (`items.0.stock`) so that schema errors can name their line too.
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import type { Problem } from '../ipc/contract';

export interface TextValidation {
  ok: boolean;
  format: 'yaml' | 'json';
  problems: Problem[];
  value: unknown;
  /** Line and column of the value at `path`, where the text has one. */
  locate(path: ReadonlyArray<PropertyKey>): { line: number; column: number } | undefined;
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

function locator(document: Document, lineCounter: LineCounter): TextValidation['locate'] {
  return (path) => {
    // Walk up until a node with a position is found: a missing field is reported where its parent is.
    for (let depth = path.length; depth >= 0; depth -= 1) {
      const node = depth === 0 ? document.contents : document.getIn(path.slice(0, depth) as unknown[], true);
      if (isNode(node) && node.range) {
        const { line, col } = lineCounter.linePos(node.range[0]);
        return { line, column: col };
      }
    }
    return undefined;
  };
}

function parseJson(text: string): TextValidation {
  try {
    const value = JSON.parse(text) as unknown;
    // JSON is YAML: parse again as YAML only to locate paths when a schema error needs a line.
    const lineCounter = new LineCounter();
    const document = parseDocument(text, { lineCounter });
    return { ok: true, format: 'json', problems: [], value, locate: locator(document, lineCounter) };
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
      locate: () => undefined,
      problems: [{ path: '', message: `${reason} at line ${where.line}, column ${where.column}`, ...where }],
    };
  }
}

function parseYaml(text: string): TextValidation {
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
    locate: locator(document, lineCounter),
  };
}

export function validateProfileText(text: string, format: 'auto' | 'yaml' | 'json'): TextValidation {
  const chosen = format === 'auto' ? (looksLikeJson(text) ? 'json' : 'yaml') : format;
  const result = chosen === 'json' ? parseJson(text) : parseYaml(text);
  if (result.ok && (result.value === null || typeof result.value !== 'object' || Array.isArray(result.value))) {
    return {
      ...result,
      ok: false,
      problems: [{ path: '', message: 'the document must be a mapping (an object) at the top level' }],
    };
  }
  return result;
}
