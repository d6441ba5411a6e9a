// What the operator hears about without looking: a toast (and a desktop notification, with an optional sound) on a
// campaign's first success and at its end; notifier deliveries that failed; schedule runs missed or skipped; and
// desktop notifications the main side asks for (`notification/desktop`); the record failing to reach the disk.
import { useEffect } from 'react';
import { App } from 'antd';
import { api } from '../../api';
import { useT } from '../../i18n';
import { useSettingsStore } from '../../stores/settings-store';
import { useCampaignsStore } from '../../stores/campaigns-store';

function beep(): void {
  try {
    const audio = new AudioContext();
    const tone = audio.createOscillator();
    const gain = audio.createGain();
    tone.frequency.value = 880;
    gain.gain.setValueAtTime(0.15, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.4);
    tone.connect(gain).connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + 0.4);
  } catch {
    // no audio device
  }
}

export function desktopNotify(title: string, body: string, sound: boolean): void {
  if ('Notification' in window && Notification.permission === 'granted') new Notification(title, { body });
  if (sound) beep();
}

const ENDED = new Set(['completed', 'cancelled', 'failed', 'interrupted']);

export function EventFeedback() {
  const t = useT();
  const { notification } = App.useApp();
  useEffect(() => {
    const announced = new Set<string>();
    const name = (id: string): string => useCampaignsStore.getState().campaigns.find((c) => c.id === id)?.name ?? id;
    const sound = (): boolean => useSettingsStore.getState().sound;
    const offs = [
      api.on('attempt/recorded', (events) => {
        for (const event of events) {
          if (event.outcome !== 'success' || announced.has(event.campaignId)) continue;
          announced.add(event.campaignId);
          const title = t('feedback.firstSuccess', { name: name(event.campaignId) });
          notification.success({ title, key: `success-${event.campaignId}`, placement: 'bottomRight' });
          desktopNotify(title, t('feedback.firstSuccessBody'), sound());
        }
      }),
      api.on('campaign/state', (events) => {
        for (const event of events) {
          if (!ENDED.has(event.state)) continue;
          const title = t('feedback.ended', {
            name: name(event.campaignId),
            state: t(`campaign.state.${event.state}`),
          });
          notification.info({ title, key: `end-${event.campaignId}`, placement: 'bottomRight' });
          desktopNotify(title, '', sound());
        }
      }),
      api.on('app/storage', (events) => {
        const event = events[events.length - 1]!;
        if (event.ok) {
          notification.success({ title: t('feedback.storageBack'), key: 'storage', placement: 'bottomRight' });
          return;
        }
        const title = t('feedback.storageFault', { code: event.code ?? '' });
        notification.error({
          title,
          description: t('feedback.storageFaultBody', { message: event.message ?? '', pending: event.pending }),
          key: 'storage',
          duration: 0,
          placement: 'bottomRight',
        });
        desktopNotify(title, event.message ?? '', sound());
      }),
      api.on('notification/desktop', (events) => {
        for (const event of events) desktopNotify(event.title, event.text, event.sound);
      }),
      api.on('notification/sent', (events) => {
        for (const event of events)
          if (!event.ok && event.event !== 'test')
            notification.error({
              title: t('feedback.notifyFailed', { name: event.name }),
              description: event.error,
              placement: 'bottomRight',
            });
      }),
      api.on('schedule/run', (events) => {
        for (const event of events)
          if (event.state !== 'started')
            notification.warning({
              title: t(`schedules.run.${event.state}`),
              description: event.message,
              placement: 'bottomRight',
            });
      }),
    ];
    return () => offs.forEach((off) => off());
  }, [t, notification]);
  return null;
}
