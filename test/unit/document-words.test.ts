import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseValidatedDocument } from '../../electron/common/validated-document';

describe('validation messages in words', () => {
  it('names a missing section or list, and says what kind of value a field wants', () => {
    const schema = z.object({
      limits: z.object({ rate: z.number() }),
      outcomes: z.array(z.string()),
      name: z.string(),
    });
    const result = parseValidatedDocument('name: 5\n', schema, 'yaml');
    expect(result.ok).toBe(false);
    const messages = result.ok ? [] : result.problems.map((problem) => problem.message);
    expect(messages).toContain('limits: missing section `limits` (line 1, column 1)');
    expect(messages).toContain('outcomes: missing list `outcomes` (line 1, column 1)');
    expect(messages).toContain('name: should be a string, not a number (line 1, column 7)');
    expect(messages.join('\n')).not.toMatch(/Invalid input/);
  });
});
