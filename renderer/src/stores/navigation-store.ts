// Which page is shown, kept in the URL's hash (`#/accounts`, `#/campaigns/ID`) so that reload keeps the place and
// Back/Forward move between pages. Pages are few and flat: a hash is all the routing they need.
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

export interface Route {
  page: PageId;
  /** The campaign open on the Campaigns page, if any. */
  campaignId: string | null;
}

export function parseRoute(hash: string): Route {
  const [page, id] = hash.replace(/^#\/?/, '').split('/');
  const known = (PAGES as readonly string[]).includes(page ?? '') ? (page as PageId) : 'dashboard';
  return { page: known, campaignId: known === 'campaigns' && id ? decodeURIComponent(id) : null };
}

export const routeHash = (route: Route): string =>
  `#/${route.page}${route.page === 'campaigns' && route.campaignId ? `/${encodeURIComponent(route.campaignId)}` : ''}`;

interface NavigationState extends Route {
  go(page: PageId): void;
  openCampaign(id: string | null): void;
}

const initial = (): Route =>
  typeof window === 'undefined' || /token=/.test(window.location.hash)
    ? { page: 'dashboard', campaignId: null }
    : parseRoute(window.location.hash);

const writeHash = (route: Route): void => {
  if (typeof window === 'undefined') return;
  const hash = routeHash(route);
  if (window.location.hash !== hash) window.history.pushState(null, '', hash);
};

export const useNavigationStore = create<NavigationState>()((set) => ({
  ...initial(),
  go: (page) => {
    set({ page, campaignId: null });
    writeHash({ page, campaignId: null });
  },
  openCampaign: (campaignId) => {
    set({ page: 'campaigns', campaignId });
    writeHash({ page: 'campaigns', campaignId });
  },
}));

if (typeof window !== 'undefined')
  window.addEventListener('popstate', () => useNavigationStore.setState(parseRoute(window.location.hash)));
