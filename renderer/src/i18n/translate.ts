// The message catalogue behind `useT`, on i18next: plural forms by CLDR rules (`key_one`/`key_other` in English,
// `key_other` alone in Chinese) and `{name}` placeholders. Free of React and the stores, so tests can call it.
import i18next from 'i18next';
import { en, type MessageKey } from './en';
import { zhCN } from './zh-cn';

export type Language = 'en' | 'zh-CN';
export type Values = Record<string, string | number>;

const i18n = i18next.createInstance();
void i18n.init({
  initAsync: false,
  resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
  lng: 'en',
  fallbackLng: 'en',
  keySeparator: false, // keys are flat ("campaign.state.armed")
  nsSeparator: false,
  interpolation: { prefix: '{', suffix: '}', escapeValue: false }, // React escapes what it renders
  returnNull: false,
  showSupportNotice: false,
} as Parameters<typeof i18n.init>[0]);

export function translate(language: Language, key: MessageKey, values?: Values): string {
  return i18n.t(key, { ...values, lng: language });
}

/** True when `key` names a message (for keys built from values the server sends, like an error class). */
export function hasMessage(key: string): key is MessageKey {
  return i18n.exists(key, { lng: 'en' });
}

export type { MessageKey };
