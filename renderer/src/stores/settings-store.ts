// Console preferences kept in this browser profile (or the desktop app's): language, theme and sound.
import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import type { Language } from '../i18n/translate';

export type { Language };
export type ThemeChoice = 'light' | 'dark' | 'system';

interface SettingsState {
  language: Language;
  theme: ThemeChoice;
  /** A short tone with the first-success and campaign-end notifications. */
  sound: boolean;
  setLanguage(language: Language): void;
  setTheme(theme: ThemeChoice): void;
  setSound(sound: boolean): void;
}

const initialLanguage = (): Language => (navigator.language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en');

export const useSettingsStore = create<SettingsState>()(
  persist(
    (set) => ({
      language: initialLanguage(),
      theme: 'system',
      sound: false,
      setLanguage: (language) => set({ language }),
      setTheme: (theme) => set({ theme }),
      setSound: (sound) => set({ sound }),
    }),
    { name: 'tminus.settings', version: 1 },
  ),
);
