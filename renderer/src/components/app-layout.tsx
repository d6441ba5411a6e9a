// The frame of every page: navigation on the left, a connection banner, the page.
import type { ReactNode } from 'react';
import { Layout, Menu, Typography } from 'antd';
import { PAGES, useNavigationStore, type PageId } from '../stores/navigation-store';
import { useT } from '../i18n';
import { ConnectionBanner } from './connection-banner';

export function AppLayout({ children }: { children: ReactNode }) {
  const t = useT();
  const page = useNavigationStore((state) => state.page);
  const go = useNavigationStore((state) => state.go);
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider breakpoint="lg" collapsedWidth={56} theme="light" width={200}>
        <Typography.Title level={4} style={{ padding: '16px 20px', margin: 0 }}>
          {t('app.title')}
        </Typography.Title>
        <Menu
          data-testid="navigation"
          mode="inline"
          selectedKeys={[page]}
          onClick={({ key }) => go(key as PageId)}
          items={PAGES.map((id) => ({ key: id, label: t(`nav.${id}`), 'data-testid': `nav-${id}` }))}
        />
      </Layout.Sider>
      <Layout>
        <ConnectionBanner />
        <Layout.Content style={{ padding: 24 }}>{children}</Layout.Content>
      </Layout>
    </Layout>
  );
}
