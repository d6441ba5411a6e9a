// Console preferences kept in this browser profile (or the desktop app's): language, theme, sound, and which zone
// instants are shown in (the target's, the operator's local one on hover; or the reverse).
import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import type { Language } from '../i18n/translate';

export type { Language };
export type ThemeChoice = 'light' | 'dark' | 'system';
/** Which zone an instant is shown in; the other is on hover. */
export type TimeShown = 'target' | 'local';

interface SettingsState {
  language: Language;
  theme: ThemeChoice;
  /** A short tone with the first-success and campaign-end notifications. */
  sound: boolean;
  timeShown: TimeShown;
  setLanguage(language: Language): void;
  setTheme(theme: ThemeChoice): void;
  setSound(sound: boolean): void;
  setTimeShown(timeShown: TimeShown): void;
}

const initialLanguage = (): Language => (navigator.language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en');

export const useSettingsStore = create<SettingsState>()(
  persist(
    (set) => ({
      language: initialLanguage(),
      theme: 'system',
      sound: false,
      timeShown: 'target',
      setLanguage: (language) => set({ language }),
      setTheme: (theme) => set({ theme }),
      setSound: (sound) => set({ sound }),
      setTimeShown: (timeShown) => set({ timeShown }),
    }),
    { name: 'tminus.settings', version: 1 },
  ),
);
