// Console preferences kept in this browser profile (or the desktop app's): language and theme.
import { create } from 'zustand';
import { persist } from 'zustand/middleware';

export type Language = 'en' | 'zh-CN';
export type ThemeChoice = 'light' | 'dark' | 'system';

interface SettingsState {
  language: Language;
  theme: ThemeChoice;
  setLanguage(language: Language): void;
  setTheme(theme: ThemeChoice): void;
}

const initialLanguage = (): Language => (navigator.language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en');

export const useSettingsStore = create<SettingsState>()(
  persist(
    (set) => ({
      language: initialLanguage(),
      theme: 'system',
      setLanguage: (language) => set({ language }),
      setTheme: (theme) => set({ theme }),
    }),
    { name: 'tminus.settings', version: 1 },
  ),
);
