// The notify room: notifiers (desktop, webhook, ntfy, DingTalk, Feishu, Telegram), delivery with retries, and the
// campaign events they are told about.
export { NotifyService, type DesktopSink, type NotifierView } from './notify-service';
export { watchCampaigns } from './campaign-watch';
export { deliver, type DeliveryResult, type DeliveryOptions } from './delivery';
export { NotifierInputSchema, type NotifierInput } from './notifier-config';
export { renderWebhookBody, httpNotification } from './channels';
export { composeMessage } from './message';
