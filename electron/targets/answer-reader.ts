// Reading a value out of an answer, the ways real services give it: a JMESPath into the JSON body (the plain string
// form), a header, a cookie the answer sets, a regular expression over a text or HTML body, or the body's bytes
// themselves (a captcha served as an image).
import jmespath from 'jmespath';
import { z } from 'zod';

const Jmes = z.string().min(1);
const HeaderName = z.string().regex(/^[A-Za-z0-9-]+$/, 'a header name');

/** A regular expression that compiles, at most 1,000 characters. */
export const RegexText = z
  .string()
  .min(1)
  .max(1_000)
  .superRefine((text, ctx) => {
    try {
      new RegExp(text);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `not a regular expression: ${(error as Error).message}` });
    }
  });

export const ReaderSchema = z.union([
  Jmes.describe('JMESPath into the JSON body'),
  z.object({ json: Jmes }).strict(),
  z.object({ header: HeaderName }).strict(),
  z.object({ cookie: z.string().min(1).describe('a cookie the answer sets (Set-Cookie), by name') }).strict(),
  z
    .object({
      regex: RegexText.describe('over the body as text; the first capture group (or `group`) is the value'),
      group: z.number().int().min(0).max(20).default(1),
    })
    .strict(),
  z.object({ bytes: z.literal(true).describe("the body's bytes, base64 (an image answer)") }).strict(),
]);

export type Reader = z.output<typeof ReaderSchema>;

/** What a reader needs of an answer. */
export interface ReadableAnswer {
  headers: Record<string, string | string[] | undefined>;
  /** The body parsed as JSON, or null. */
  body: unknown;
  /** The body's bytes, or null when there was none (or it was too large to keep). */
  raw: Buffer | null;
}

const first = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

/** The value of cookie `name` among the answer's Set-Cookie headers, or undefined. */
export function setCookieValue(headers: ReadableAnswer['headers'], name: string): string | undefined {
  const raw = headers['set-cookie'];
  const lines = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  for (const line of lines) {
    const pair = line.split(';', 1)[0]!;
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
  }
  return undefined;
}

export function searchJson(body: unknown, expression: string): unknown {
  try {
    return jmespath.search((body ?? {}) as object, expression);
  } catch {
    return null;
  }
}

const regexCache = new Map<string, RegExp>();

/** Reads one value; null where the answer does not hold it. Never throws. */
export function readAnswer(reader: Reader, answer: ReadableAnswer): unknown {
  if (typeof reader === 'string') return searchJson(answer.body, reader);
  if ('json' in reader) return searchJson(answer.body, reader.json);
  if ('header' in reader) return first(answer.headers[reader.header.toLowerCase()]) ?? null;
  if ('cookie' in reader) return setCookieValue(answer.headers, reader.cookie) ?? null;
  if ('bytes' in reader) return answer.raw && answer.raw.length > 0 ? answer.raw.toString('base64') : null;
  if (!answer.raw) return null;
  let pattern = regexCache.get(reader.regex);
  if (!pattern) {
    pattern = new RegExp(reader.regex);
    regexCache.set(reader.regex, pattern);
  }
  const match = pattern.exec(answer.raw.toString('utf8'));
  return match?.[reader.group] ?? null;
}

/** The JMESPath expressions a reader holds (to be compiled when the profile loads). */
export const readerExpression = (reader: Reader): string | null =>
  typeof reader === 'string' ? reader : 'json' in reader ? reader.json : null;
