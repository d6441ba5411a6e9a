import { describe, expect, it } from 'vitest';
import { validateProfileText } from '../../electron/targets/validate-text';

describe('profile text validation', () => {
  it('accepts well-formed YAML and JSON mappings', () => {
    expect(validateProfileText('id: simulator\nendpoints:\n  - http://127.0.0.1:1\n', 'auto')).toMatchObject({
      ok: true,
      format: 'yaml',
    });
    expect(validateProfileText('{"id": "simulator"}', 'auto')).toMatchObject({ ok: true, format: 'json' });
  });

  it('reports a YAML syntax error with its line and column', () => {
    const result = validateProfileText('id: simulator\nendpoints:\n  - a\n  b: [1, 2\n', 'yaml');
    expect(result.ok).toBe(false);
    expect(result.problems[0]).toMatchObject({ line: expect.any(Number), column: expect.any(Number) });
    expect(result.problems[0]!.line).toBeGreaterThanOrEqual(3);
    expect(result.problems[0]!.message).toMatch(/line \d+, column \d+/);
  });

  it('reports a duplicate YAML key', () => {
    const result = validateProfileText('id: a\nid: b\n', 'yaml');
    expect(result.ok).toBe(false);
    expect(result.problems[0]).toMatchObject({ line: 2 });
  });

  it('reports a JSON syntax error with its line and column', () => {
    const result = validateProfileText('{\n  "id": "x",\n  "limits": { "ratePerSec": 5, }\n}', 'json');
    expect(result.ok).toBe(false);
    expect(result.problems[0]).toMatchObject({ line: 3 });
    expect(result.problems[0]!.column).toBeGreaterThan(20);
  });

  it('refuses a document that is not a mapping', () => {
    expect(validateProfileText('- just\n- a list\n', 'auto').problems[0]!.message).toMatch(/mapping/);
    expect(validateProfileText('42', 'json').ok).toBe(false);
  });
});
