import { describe, expect, it } from 'vitest';
import { formatRemaining } from '../../electron/cli/countdown';

describe('the run countdown', () => {
  it('counts down to the instant and up after it, in minutes past a minute', () => {
    expect(formatRemaining(12_345)).toBe('T−12.3 s');
    expect(formatRemaining(-800)).toBe('T+0.8 s');
    expect(formatRemaining(125_000)).toBe('T−2:05.0');
  });
});
