// Parses YAML or JSON text for a profile or a scenario. Every syntax problem comes back with its line and column, and
// the parsed document can locate a path (`items.0.stock`) so that schema errors can name their line too.
import { isAlias, isNode, isScalar, LineCounter, parseDocument, visit, type Document } from 'yaml';
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

/** Documents larger than this are refused before parsing: a real profile or campaign is a few KiB. */
export const MAX_DOCUMENT_BYTES = 256 * 1024;
/** At most this many keys (counted, before parsing, as an upper bound: every ':' could start one). */
export const MAX_DOCUMENT_KEYS = 10_000;
/** An alias expanding more than this often is refused (a "billion laughs" document). */
const MAX_ALIAS_COUNT = 100;

const refused = (format: 'yaml' | 'json', message: string): TextValidation => ({
  ok: false,
  format,
  value: undefined,
  locate: () => undefined,
  problems: [{ path: '', message }],
});

/** Size and key count, checked in one linear pass before any parser sees the text. */
function limitProblem(text: string): string | null {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_DOCUMENT_BYTES)
    return `the document is ${(bytes / 1024).toFixed(0)} KiB; at most ${MAX_DOCUMENT_BYTES / 1024} KiB is read`;
  let colons = 0;
  for (let index = 0; index < text.length; index += 1) if (text.charCodeAt(index) === 58) colons += 1;
  if (colons > MAX_DOCUMENT_KEYS)
    return `the document may hold ${colons} keys (one per ':'); at most ${MAX_DOCUMENT_KEYS} are read`;
  return null;
}

/**
 * Duplicate keys, found in one pass with a set per mapping (yaml's own check compares each key with every earlier
 * one: 10,000 keys took seconds).
 */
function duplicateKeyProblems(document: Document, lineCounter: LineCounter): Problem[] {
  const problems: Problem[] = [];
  visit(document, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (!seen.has(key)) {
          seen.add(key);
          continue;
        }
        const at = isNode(pair.key) && pair.key.range ? lineCounter.linePos(pair.key.range[0]) : null;
        problems.push({
          path: '',
          message: `duplicate key '${String(key)}'${at ? ` at line ${at.line}, column ${at.col}` : ''}`,
          ...(at ? { line: at.line, column: at.col } : {}),
        });
        if (problems.length >= 20) return visit.BREAK;
      }
      return undefined;
    },
  });
  return problems;
}

/** The document as plain values, or the problem of an alias expanding too often, at the first alias's line. */
function toValue(document: Document, lineCounter: LineCounter): { value: unknown } | { problem: Problem } {
  try {
    return { value: document.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown };
  } catch (error) {
    let at: { line: number; col: number } | null = null;
    visit(document, {
      Alias(_, alias) {
        if (isAlias(alias) && alias.range) at = lineCounter.linePos(alias.range[0]);
        return visit.BREAK;
      },
    });
    const where = at as { line: number; col: number } | null;
    const reason = /alias/i.test((error as Error).message)
      ? `aliases expand too often (more than ${MAX_ALIAS_COUNT}): refused as a resource-exhaustion document`
      : (error as Error).message;
    return {
      problem: {
        path: '',
        message: `${reason}${where ? ` at line ${where.line}, column ${where.col}` : ''}`,
        ...(where ? { line: where.line, column: where.col } : {}),
      },
    };
  }
}

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
    const document = parseDocument(text, { lineCounter, uniqueKeys: false });
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
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const problems: Problem[] = document.errors.map((error) => {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    const firstLine = error.message.split('\n')[0] ?? error.message;
    return { path: '', message: `${firstLine} at line ${line}, column ${col}`, line, column: col };
  });
  if (problems.length === 0) problems.push(...duplicateKeyProblems(document, lineCounter));
  let value: unknown;
  if (problems.length === 0) {
    const converted = toValue(document, lineCounter);
    if ('problem' in converted) problems.push(converted.problem);
    else value = converted.value;
  }
  return { ok: problems.length === 0, format: 'yaml', problems, value, locate: locator(document, lineCounter) };
}

export function validateProfileText(text: string, format: 'auto' | 'yaml' | 'json'): TextValidation {
  const chosen = format === 'auto' ? (looksLikeJson(text) ? 'json' : 'yaml') : format;
  const limit = limitProblem(text);
  if (limit) return refused(chosen, limit);
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
