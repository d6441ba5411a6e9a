// The console's catalogue: plural forms per language, and a Chinese message for every English one with the same
// placeholders (a missing {count} would show a sentence without its number).
import { describe, expect, it } from 'vitest';
import { translate, hasMessage } from '../../renderer/src/i18n/translate';
import { en } from '../../renderer/src/i18n/en';
import { zhCN } from '../../renderer/src/i18n/zh-cn';

const placeholders = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();

describe('console messages', () => {
  it('chooses the plural form by count', () => {
    expect(translate('en', 'reports.total', { count: 1 })).toBe('1 attempt');
    expect(translate('en', 'reports.total', { count: 0 })).toBe('0 attempts');
    expect(translate('en', 'reports.total', { count: 20 })).toBe('20 attempts');
    expect(translate('zh-CN', 'reports.total', { count: 1 })).toBe('1 次尝试');
    expect(translate('en', 'campaign.satOut', { count: 1, reasons: 'fields' })).toBe('1 account sat out: fields');
  });

  it('fills placeholders and leaves React to escape', () => {
    expect(translate('en', 'dashboard.loadFailed', { message: '<b>x</b>' })).toBe(
      'Could not load information about this installation: <b>x</b>',
    );
  });

  it('has every English message in Chinese with the same placeholders', () => {
    const zh = zhCN as Record<string, string>;
    for (const [key, text] of Object.entries(en)) {
      const zhKey = key.endsWith('_one') ? key.replace(/_one$/, '_other') : key;
      expect(zh[zhKey], key).toBeTypeOf('string');
      if (key.endsWith('_one')) continue; // "1 attempt" spells the number out
      expect(placeholders(zh[zhKey]!), key).toEqual(placeholders(text));
    }
  });

  it('knows which keys exist', () => {
    expect(hasMessage('outcome.soldOut')).toBe(true);
    expect(hasMessage('outcome.noSuchThing')).toBe(false);
  });
});
