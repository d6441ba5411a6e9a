// What a profile or campaign file must be before it is parsed: UTF-8, bounded in size and keys, no alias bomb — each
// refused with where and why — and the checks a run would otherwise fail on later (CR/LF in headers, zones).
import { describe, expect, it } from 'vitest';
import { decodeUtf8, firstInvalidUtf8Byte } from '../../electron/common/document-file';
import { validateProfileText, MAX_DOCUMENT_KEYS } from '../../electron/targets/validate-text';
import { validateProfile } from '../../electron/targets';
import { simulatorProfileText } from '../helpers/simulator-profile';
import { TminusError } from '../../electron/errors';

const problemsOf = (text: string): string[] => {
  const result = validateProfile(text);
  return result.ok ? [] : result.problems.map((problem) => problem.message);
};

describe('document encoding', () => {
  it('refuses a GBK file with the byte offset and line of its first non-UTF-8 byte', () => {
    // "name: 火车" in GBK: 0xBB 0xF0 0xB3 0xB5
    const bytes = Buffer.concat([
      Buffer.from('id: x\nname: '),
      Buffer.from([0xbb, 0xf0, 0xb3, 0xb5]),
      Buffer.from('\n'),
    ]);
    expect(firstInvalidUtf8Byte(bytes)).toBe(12);
    expect.assertions(3);
    try {
      decodeUtf8(bytes, 'train.yaml', 'PROFILE_INVALID');
    } catch (error) {
      expect(error).toBeInstanceOf(TminusError);
      expect((error as Error).message).toMatch(/^train\.yaml is not UTF-8: byte 0xBB at byte offset 12 \(line 2\)/);
    }
  });

  it('reads UTF-8 (Chinese included) and drops a byte-order mark', () => {
    const text = decodeUtf8(Buffer.from('\uFEFFname: 火车 🚄\n'), 'x.yaml', 'PROFILE_INVALID');
    expect(text).toBe('name: 火车 🚄\n');
  });

  it.each([
    ['an overlong encoding', [0xc0, 0xaf]],
    ['a lone continuation byte', [0x80]],
    ['a surrogate', [0xed, 0xa0, 0x80]],
    ['a truncated sequence', [0xe7, 0x81]],
  ])('finds %s', (_name, bytes) => {
    expect(firstInvalidUtf8Byte(Buffer.from([0x61, ...bytes]))).toBe(1);
  });
});

describe('document limits', () => {
  it('refuses a document over the size limit before parsing it', () => {
    const result = validateProfileText(`id: x\nnotes: "${'a'.repeat(300 * 1024)}"\n`, 'yaml');
    expect(result.problems[0]!.message).toMatch(/the document is 300 KiB; at most 256 KiB is read/);
  });

  it('refuses a document with more keys than the limit before parsing it', () => {
    const text = Array.from({ length: MAX_DOCUMENT_KEYS + 1 }, (_, n) => `k${n}: 1`).join('\n');
    expect(validateProfileText(text, 'yaml').problems[0]!.message).toMatch(/may hold 10001 keys/);
  });

  it('parses a document just under the key limit, and still finds a duplicate key with its line', () => {
    const keys = Array.from({ length: 9_000 }, (_, n) => `  h${n}: v`);
    keys.splice(5_000, 0, '  h17: again');
    const result = validateProfileText(`id: x\nheaders:\n${keys.join('\n')}\n`, 'yaml');
    expect(result.ok).toBe(false);
    expect(result.problems[0]).toMatchObject({ line: 5_003, message: expect.stringMatching(/duplicate key 'h17'/) });
  });

  it('refuses an alias bomb with the line of its first alias', () => {
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x","x"]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      'e: [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]',
    ].join('\n');
    const result = validateProfileText(bomb, 'yaml');
    expect(result.ok).toBe(false);
    expect(result.problems[0]!.message).toMatch(/aliases expand too often .* at line 2, column \d+/);
  });
});

describe('checked at validate time, not at run time', () => {
  it('refuses a header value holding CR or LF, naming the header and its line', () => {
    const text = simulatorProfileText().replace(
      "headers: { Idempotency-Key: '{{attempt.key}}' }",
      'headers: { Idempotency-Key: "{{attempt.key}}\\r\\nX-Injected: 1" }',
    );
    expect(problemsOf(text).join('\n')).toMatch(
      /book\.request\.headers\.Idempotency-Key: header values cannot hold CR, LF or NUL \(line \d+/,
    );
  });

  it('refuses a time zone this system does not know', () => {
    const text = simulatorProfileText().replace('timeZone: Asia/Shanghai', 'timeZone: Asia/Atlantis');
    expect(problemsOf(text).join('\n')).toMatch(/^timeZone: 'Asia\/Atlantis' is not a known time zone/);
  });
});
