// Every user-visible string goes through `useT`. Languages: en and zh-CN; the choice lives in the settings store.
import { useCallback } from 'react';
import { en, type MessageKey } from './en';
import { zhCN } from './zh-cn';
import { useSettingsStore, type Language } from '../stores/settings-store';

const dictionaries: Record<Language, Record<MessageKey, string>> = { en, 'zh-CN': zhCN };

export function translate(language: Language, key: MessageKey, values?: Record<string, string | number>): string {
  const template = dictionaries[language][key];
  if (!values) return template;
  return template.replace(/\{(\w+)\}/g, (match, name: string) => (name in values ? String(values[name]) : match));
}

export function useT(): (key: MessageKey, values?: Record<string, string | number>) => string {
  const language = useSettingsStore((state) => state.language);
  return useCallback((key, values) => translate(language, key, values), [language]);
}

export type { MessageKey };
