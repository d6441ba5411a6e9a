// Keeps the window (tab) title counting down (./window-title-text.ts), four times a second.
import { useEffect } from 'react';
import { useCampaignsStore } from '../stores/campaigns-store';
import { currentOffsetMs } from '../stores/clock-store';
import type { Language } from '../i18n/translate';
import { windowTitle } from './window-title-text';

export function useWindowTitle(language: Language): void {
  useEffect(() => {
    const update = (): void => {
      const title = windowTitle(useCampaignsStore.getState().campaigns, Date.now() + currentOffsetMs(), language);
      if (document.title !== title) document.title = title;
    };
    update();
    // A timer, not animation frames: the title matters most while the tab is in the background.
    const timer = setInterval(update, 250);
    return () => clearInterval(timer);
  }, [language]);
}
