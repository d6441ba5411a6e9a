// Notifiers: saved with their secrets sealed, tested from Settings, and told about each campaign's first success and
// its end — for the notifiers the campaign chose. Every delivery is retried with backoff; its result goes on the bus
// (`notification/sent`), so a channel that fails shows in the console instead of failing silently.
import type { NotifiersRepository, NotifierRecord } from '../store';
import type { SecretBox } from '../secrets';
import type { EventBus } from '../ipc/event-bus';
import { TminusError } from '../errors';
import {
  NotifierInputSchema,
  REQUIRED_SECRETS,
  SECRET_FIELDS,
  type NotifierConfig,
  type NotifierInput,
} from './notifier-config';
import { deliver, DEFAULT_DELIVERY, type DeliveryOptions, type DeliveryResult } from './delivery';
import { httpNotification, unknownTemplateVariables } from './channels';
import { composeMessage, type CampaignFacts, type NotificationMessage, type NotifyEvent } from './message';

/** Shows a desktop notification: Electron's Notification in the desktop app; the console's browser otherwise. */
export type DesktopSink = (title: string, text: string, sound: boolean) => boolean;

export interface NotifierView {
  id: number;
  name: string;
  kind: NotifierConfig['kind'];
  enabled: boolean;
  config: Record<string, unknown>;
  secretsSet: string[];
}

export interface NotifyDeps {
  repository: NotifiersRepository;
  secrets: SecretBox;
  bus: EventBus;
  desktop: DesktopSink;
  now?: () => number;
  delivery?: Partial<DeliveryOptions>;
}

function split(config: NotifierConfig): { plain: Record<string, unknown>; secret: Record<string, unknown> } {
  const plain: Record<string, unknown> = {};
  const secret: Record<string, unknown> = {};
  const secretFields = new Set(SECRET_FIELDS[config.kind]);
  for (const [key, value] of Object.entries(config)) {
    if (key === 'name' || key === 'enabled' || value === undefined) continue;
    (secretFields.has(key) ? secret : plain)[key] = value;
  }
  return { plain, secret };
}

export class NotifyService {
  private readonly now: () => number;
  private readonly delivery: DeliveryOptions;

  constructor(private readonly deps: NotifyDeps) {
    this.now = deps.now ?? Date.now;
    this.delivery = { ...DEFAULT_DELIVERY, ...deps.delivery };
  }

  list(): NotifierView[] {
    return this.deps.repository.list().map((record) => this.view(record));
  }

  /** Creates (no id) or updates a notifier; a secret left out of an update keeps its stored value. */
  save(input: NotifierInput & { id?: number }): NotifierView {
    const { id, ...rest } = input;
    const parsed = NotifierInputSchema.safeParse(rest);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new TminusError('NOTIFIER_INVALID', `${issue.path.join('.') || 'notifier'}: ${issue.message}`);
    }
    const config = parsed.data;
    const existing = id === undefined ? null : this.deps.repository.get(id);
    if (id !== undefined && !existing) throw new TminusError('NOTIFIER_NOT_FOUND', `no notifier ${id}`);
    const clash = this.deps.repository.byName(config.name);
    if (clash && clash.id !== id)
      throw new TminusError('NOTIFIER_INVALID', `name: a notifier called '${config.name}' already exists`);
    if (config.kind === 'webhook' && config.bodyTemplate) {
      const unknown = unknownTemplateVariables(config.bodyTemplate);
      if (unknown.length > 0)
        throw new TminusError('NOTIFIER_INVALID', `bodyTemplate: unknown variable {{${unknown[0]}}}`);
    }
    const { plain, secret } = split(config);
    const kept = existing && existing.kind === config.kind ? this.openSecrets(existing) : {};
    const secrets = { ...kept, ...secret };
    for (const field of REQUIRED_SECRETS[config.kind])
      if (secrets[field] === undefined || secrets[field] === '')
        throw new TminusError('NOTIFIER_INVALID', `${field}: required for a ${config.kind} notifier`);
    const savedId = this.deps.repository.save(
      {
        id,
        name: config.name,
        kind: config.kind,
        config: plain,
        secretSealed: Object.keys(secrets).length > 0 ? this.deps.secrets.seal(JSON.stringify(secrets)) : null,
        enabled: config.enabled,
      },
      this.now(),
    );
    return this.view(this.deps.repository.get(savedId)!);
  }

  remove(id: number): void {
    if (!this.deps.repository.remove(id)) throw new TminusError('NOTIFIER_NOT_FOUND', `no notifier ${id}`);
  }

  /** Throws NOTIFIER_NOT_FOUND naming the first id that is not a notifier. */
  checkIds(ids: number[], field = 'notify'): void {
    ids.forEach((id, index) => {
      if (!this.deps.repository.get(id))
        throw new TminusError('NOTIFIER_NOT_FOUND', `${field}[${index}]: no notifier ${id}`);
    });
  }

  /** "Send test" in Settings: one message through one notifier, its delivery result returned. */
  test(id: number): Promise<DeliveryResult> {
    const record = this.deps.repository.get(id);
    if (!record) throw new TminusError('NOTIFIER_NOT_FOUND', `no notifier ${id}`);
    return this.send(record, 'test', null);
  }

  /** Tells the given notifiers (enabled ones) about a campaign event; never throws, results go on the bus. */
  async notify(ids: number[], event: NotifyEvent, campaign: CampaignFacts): Promise<DeliveryResult[]> {
    const records = ids
      .map((id) => this.deps.repository.get(id))
      .filter((record): record is NotifierRecord => record !== null && record.enabled);
    return Promise.all(records.map((record) => this.send(record, event, campaign)));
  }

  private async send(
    record: NotifierRecord,
    event: NotifyEvent,
    campaign: CampaignFacts | null,
  ): Promise<DeliveryResult> {
    let result: DeliveryResult;
    try {
      const config = {
        ...record.config,
        ...this.openSecrets(record),
        name: record.name,
        kind: record.kind,
      } as NotifierConfig;
      const message = composeMessage(event, config.language ?? 'en', campaign, this.now());
      result = await this.dispatch(config, message);
    } catch (error) {
      result = { ok: false, attempts: 0, status: null, error: (error as Error).message };
    }
    this.deps.bus.emit('notification/sent', {
      notifierId: record.id,
      name: record.name,
      event,
      campaignId: campaign?.id ?? null,
      ...result,
    });
    return result;
  }

  private async dispatch(config: NotifierConfig, message: NotificationMessage): Promise<DeliveryResult> {
    if (config.kind === 'desktop') {
      const shown = this.deps.desktop(message.title, message.text, config.sound);
      return { ok: shown, attempts: 1, status: null, error: shown ? null : 'no desktop to show it on' };
    }
    return deliver(httpNotification(config, message, this.now()), this.delivery);
  }

  private openSecrets(record: NotifierRecord): Record<string, unknown> {
    if (!record.secretSealed) return {};
    try {
      return JSON.parse(this.deps.secrets.open(record.secretSealed)) as Record<string, unknown>;
    } catch {
      throw new TminusError(
        'SECRET_UNREADABLE',
        `notifier ${record.name}: its secrets cannot be opened on this machine`,
      );
    }
  }

  private view(record: NotifierRecord): NotifierView {
    const secretsSet = record.secretSealed ? Object.keys(this.openSecretsQuietly(record)) : [];
    return {
      id: record.id,
      name: record.name,
      kind: record.kind as NotifierConfig['kind'],
      enabled: record.enabled,
      config: record.config,
      secretsSet,
    };
  }

  private openSecretsQuietly(record: NotifierRecord): Record<string, unknown> {
    try {
      return this.openSecrets(record);
    } catch {
      return {};
    }
  }
}
