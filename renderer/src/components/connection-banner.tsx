// A banner across the top while the console cannot reach Tminus; nothing while it can.
import { Alert } from 'antd';
import { useConnectionStore } from '../stores/connection-store';
import { useT } from '../i18n';

export function ConnectionBanner() {
  const status = useConnectionStore((state) => state.status);
  const t = useT();
  if (status === 'connected') return null;
  if (status === 'unauthorized')
    return (
      <Alert
        data-testid="connection-banner"
        type="error"
        banner
        title={t('connection.unauthorized')}
        description={t('connection.unauthorizedHow')}
      />
    );
  return (
    <Alert
      data-testid="connection-banner"
      type={status === 'disconnected' ? 'error' : 'info'}
      banner
      title={t(status === 'disconnected' ? 'connection.disconnected' : 'connection.connecting')}
    />
  );
}
