// What a notification says, in the notifier's language: the first success of a campaign, its end, or a test.
export type NotifyEvent = 'first-success' | 'campaign-end' | 'test';

export interface NotificationMessage {
  event: NotifyEvent;
  title: string;
  text: string;
  campaign: { id: string; name: string; item: string; state: string } | null;
  atMs: number;
}

export interface CampaignFacts {
  id: string;
  name: string;
  item: string;
  state: string;
  successes: number;
  attempts: number;
  account?: string;
}

export function composeMessage(
  event: NotifyEvent,
  language: 'en' | 'zh-CN',
  campaign: CampaignFacts | null,
  atMs: number,
): NotificationMessage {
  const zh = language === 'zh-CN';
  const c = campaign;
  let title: string;
  let text: string;
  if (event === 'test' || !c) {
    title = zh ? 'Tminus 测试通知' : 'Tminus test notification';
    text = zh ? '这个通知渠道可以收到 Tminus 的消息。' : 'This channel receives Tminus notifications.';
  } else if (event === 'first-success') {
    title = zh ? `抢到了：${c.name}` : `Booked: ${c.name}`;
    text = zh
      ? `活动「${c.name}」（${c.item}）第一个成功预订${c.account ? `，账号 ${c.account}` : ''}。`
      : `First booking in campaign "${c.name}" (${c.item})${c.account ? ` by ${c.account}` : ''}.`;
  } else {
    title = zh ? `活动结束：${c.name}` : `Campaign ended: ${c.name}`;
    text = zh
      ? `活动「${c.name}」（${c.item}）已结束（${c.state}）：${c.successes} 个成功，共 ${c.attempts} 次尝试。`
      : `Campaign "${c.name}" (${c.item}) ${c.state}: ${c.successes} booked, ${c.attempts} attempts.`;
  }
  return {
    event,
    title,
    text,
    campaign: c ? { id: c.id, name: c.name, item: c.item, state: c.state } : null,
    atMs,
  };
}
