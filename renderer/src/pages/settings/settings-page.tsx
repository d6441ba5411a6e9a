// Settings: language, theme, the zone instants are shown in, sound and desktop notifications for this console; the
// notifiers campaigns can use; the cluster this console joined.
import { Button, Form, Radio, Switch, Typography } from 'antd';
import { useState } from 'react';
import { NotifiersCard } from './notifiers-card';
import { ClusterCard } from './cluster-card';
import { useSettingsStore, type Language, type ThemeChoice, type TimeShown } from '../../stores/settings-store';
import { useT } from '../../i18n';

export function SettingsPage() {
  const t = useT();
  const language = useSettingsStore((state) => state.language);
  const theme = useSettingsStore((state) => state.theme);
  const setLanguage = useSettingsStore((state) => state.setLanguage);
  const setTheme = useSettingsStore((state) => state.setTheme);
  const sound = useSettingsStore((state) => state.sound);
  const setSound = useSettingsStore((state) => state.setSound);
  const timeShown = useSettingsStore((state) => state.timeShown);
  const setTimeShown = useSettingsStore((state) => state.setTimeShown);
  const [permission, setPermission] = useState(() => ('Notification' in window ? Notification.permission : 'denied'));
  return (
    <>
      <Typography.Title level={3}>{t('nav.settings')}</Typography.Title>
      <Form layout="vertical" style={{ maxWidth: 480 }}>
        <Form.Item label={t('settings.language')}>
          <Radio.Group
            data-testid="language"
            value={language}
            onChange={(event) => setLanguage(event.target.value as Language)}
            optionType="button"
            options={[
              { value: 'en', label: 'English' },
              { value: 'zh-CN', label: '简体中文' },
            ]}
          />
        </Form.Item>
        <Form.Item label={t('settings.theme')}>
          <Radio.Group
            data-testid="theme"
            value={theme}
            onChange={(event) => setTheme(event.target.value as ThemeChoice)}
            optionType="button"
            options={[
              { value: 'light', label: t('settings.theme.light') },
              { value: 'dark', label: t('settings.theme.dark') },
              { value: 'system', label: t('settings.theme.system') },
            ]}
          />
        </Form.Item>
        <Form.Item label={t('settings.timeShown')} extra={t('settings.timeShownHelp')}>
          <Radio.Group
            data-testid="time-shown"
            value={timeShown}
            onChange={(event) => setTimeShown(event.target.value as TimeShown)}
            optionType="button"
            options={[
              { value: 'target', label: t('settings.timeShown.target') },
              { value: 'local', label: t('settings.timeShown.local') },
            ]}
          />
        </Form.Item>
        <Form.Item label={t('settings.sound')}>
          <Switch checked={sound} onChange={setSound} data-testid="sound" aria-label={t('settings.sound')} />
        </Form.Item>
        <Form.Item label={t('settings.desktopNotifications')}>
          {permission === 'granted' ? (
            <Typography.Text type="success">{t('settings.desktopAllowed')}</Typography.Text>
          ) : (
            <Button
              onClick={() => void Notification.requestPermission().then(setPermission)}
              disabled={!('Notification' in window)}
            >
              {t('settings.allowDesktop')}
            </Button>
          )}
        </Form.Item>
      </Form>
      <NotifiersCard />
      <ClusterCard />
    </>
  );
}
