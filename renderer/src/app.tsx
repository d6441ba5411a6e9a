// The console: theme and locale around the layout and the current page.
import { useEffect, useSyncExternalStore } from 'react';
import { ConfigProvider, App as AntApp, theme as antTheme } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { AppLayout } from './components/app-layout';
import { useSettingsStore } from './stores/settings-store';
import { useNavigationStore, type PageId } from './stores/navigation-store';
import { DashboardPage } from './pages/dashboard/dashboard-page';
import { CampaignsPage } from './pages/campaigns/campaigns-page';
import { AccountsPage } from './pages/accounts/accounts-page';
import { TargetsPage } from './pages/targets/targets-page';
import { ClockPage } from './pages/clock/clock-page';
import { CaptchaPage } from './pages/captcha/captcha-page';
import { ReportsPage } from './pages/reports/reports-page';
import { SettingsPage } from './pages/settings/settings-page';
import { CaptchaDialog } from './components/feedback/captcha-dialog';
import { EventFeedback } from './components/feedback/event-feedback';
import { useWindowTitle } from './components/window-title';

const PAGE_COMPONENTS: Record<PageId, () => React.JSX.Element> = {
  dashboard: DashboardPage,
  campaigns: CampaignsPage,
  accounts: AccountsPage,
  targets: TargetsPage,
  captcha: CaptchaPage,
  clock: ClockPage,
  reports: ReportsPage,
  settings: SettingsPage,
};

// Ant Design's default secondary, placeholder and primary colours fall short of WCAG AA contrast (4.5:1) on their
// backgrounds; these meet it, so an operator reads every label at a glance (and the axe-core pass holds).
const LIGHT_TOKENS = {
  colorPrimary: '#0958d9',
  colorLink: '#0958d9',
  colorInfo: '#0958d9',
  colorSuccess: '#237804',
  colorWarning: '#ad6800',
  colorError: '#cf1322',
  // Preset tag colours (status tags) from darker seeds, so their text keeps 4.5:1 on their light backgrounds.
  blue: '#0958d9',
  green: '#237804',
  orange: '#ad4e00',
  red: '#a8071a',
  purple: '#531dab',
  volcano: '#ad2102',
  gold: '#ad6800',
  colorTextSecondary: 'rgba(0, 0, 0, 0.66)',
  colorTextTertiary: 'rgba(0, 0, 0, 0.62)',
  colorTextPlaceholder: 'rgba(0, 0, 0, 0.58)',
  colorTextDescription: 'rgba(0, 0, 0, 0.62)',
  colorTextLabel: 'rgba(0, 0, 0, 0.66)',
};
const DARK_TOKENS = {
  colorTextSecondary: 'rgba(255, 255, 255, 0.72)',
  colorTextTertiary: 'rgba(255, 255, 255, 0.66)',
  colorTextPlaceholder: 'rgba(255, 255, 255, 0.6)',
  colorTextDescription: 'rgba(255, 255, 255, 0.66)',
  colorTextLabel: 'rgba(255, 255, 255, 0.72)',
};

const darkQuery = window.matchMedia('(prefers-color-scheme: dark)');
const subscribeToScheme = (onChange: () => void): (() => void) => {
  darkQuery.addEventListener('change', onChange);
  return () => darkQuery.removeEventListener('change', onChange);
};

export function App() {
  const language = useSettingsStore((state) => state.language);
  const themeChoice = useSettingsStore((state) => state.theme);
  const page = useNavigationStore((state) => state.page);
  useWindowTitle(language);
  useEffect(() => {
    document.documentElement.lang = language; // screen readers pronounce the page in its language
  }, [language]);
  const systemDark = useSyncExternalStore(subscribeToScheme, () => darkQuery.matches);
  const dark = themeChoice === 'dark' || (themeChoice === 'system' && systemDark);
  const Page = PAGE_COMPONENTS[page];
  return (
    <ConfigProvider
      locale={language === 'zh-CN' ? zhCN : enUS}
      theme={{
        algorithm: dark ? antTheme.darkAlgorithm : antTheme.defaultAlgorithm,
        token: dark ? DARK_TOKENS : LIGHT_TOKENS,
      }}
    >
      <AntApp notification={{ placement: 'bottomRight', maxCount: 2, duration: 4 }}>
        <AppLayout>
          <Page />
        </AppLayout>
        <CaptchaDialog />
        <EventFeedback />
      </AntApp>
    </ConfigProvider>
  );
}
