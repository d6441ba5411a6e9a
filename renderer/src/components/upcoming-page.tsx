// A page whose room is not built yet: says what it will hold, shows no invented data.
import { Empty, Typography } from 'antd';
import { useT, type MessageKey } from '../i18n';

export function UpcomingPage({ title, description }: { title: MessageKey; description: MessageKey }) {
  const t = useT();
  return (
    <>
      <Typography.Title level={3}>{t(title)}</Typography.Title>
      <Empty description={t(description)}>
        <Typography.Text type="secondary">{t('common.notYet')}</Typography.Text>
      </Empty>
    </>
  );
}
