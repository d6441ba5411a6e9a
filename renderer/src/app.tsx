// The console: theme and locale around the layout and the current page.
import { useSyncExternalStore } from 'react';
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
  const systemDark = useSyncExternalStore(subscribeToScheme, () => darkQuery.matches);
  const dark = themeChoice === 'dark' || (themeChoice === 'system' && systemDark);
  const Page = PAGE_COMPONENTS[page];
  return (
    <ConfigProvider
      locale={language === 'zh-CN' ? zhCN : enUS}
      theme={{ algorithm: dark ? antTheme.darkAlgorithm : antTheme.defaultAlgorithm }}
    >
      <AntApp>
        <AppLayout>
          <Page />
        </AppLayout>
        <CaptchaDialog />
        <EventFeedback />
      </AntApp>
    </ConfigProvider>
  );
}
