// Every user-visible string goes through `useT` (the catalogue is ./translate.ts); the language lives in the settings
// store, so a change re-renders every page in the new language.
import { useCallback } from 'react';
import { useSettingsStore } from '../stores/settings-store';
import { translate, type MessageKey, type Values } from './translate';

export function useT(): (key: MessageKey, values?: Values) => string {
  const language = useSettingsStore((state) => state.language);
  return useCallback((key, values) => translate(language, key, values), [language]);
}

export { translate, hasMessage, type MessageKey } from './translate';
