// Which page is shown. Pages are few and flat, so this is state rather than a router.
import { create } from 'zustand';

export const PAGES = [
  'dashboard',
  'campaigns',
  'accounts',
  'targets',
  'captcha',
  'clock',
  'reports',
  'settings',
] as const;
export type PageId = (typeof PAGES)[number];

interface NavigationState {
  page: PageId;
  go(page: PageId): void;
}

export const useNavigationStore = create<NavigationState>()((set) => ({
  page: 'dashboard',
  go: (page) => set({ page }),
}));
