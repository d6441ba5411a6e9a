// The account pool as the rest of Tminus uses it: import/export, edits, leases for campaigns, sessions and health.
import { stringify } from 'csv-stringify/sync';
import type {
  AccountPatch,
  AccountsRepository,
  AccountStatus,
  AccountView,
  LeaseFilter,
  TargetsRepository,
} from '../store';
import type { SecretBox } from '../secrets';
import type { LocalClock } from '../clock';
import { TminusError } from '../errors';
import { planAccountsImport, type ImportProblem } from './csv-import';
import { neutraliseFormula } from './csv-text';
import type { SessionKeeper } from './session-keeper';
import { applyFieldsEdit, fieldNameProblem, openFields, type FieldsEdit } from './account-fields';

export type AccountEdit = Omit<AccountPatch, 'fields' | 'secretFields'> & {
  fields?: FieldsEdit;
  secretFields?: FieldsEdit;
};

export interface ImportReport {
  ok: boolean;
  dryRun: boolean;
  imported: number;
  /** Rows that would be (or were) imported. */
  valid: number;
  /** Usernames already in the pool for this target: reported and skipped. */
  alreadyImported: Array<{ row: number; username: string }>;
  problems: ImportProblem[];
}

/** An account as another machine of a cluster needs it to drive it: secrets open (seal before it leaves). */
export interface PortableAccount {
  username: string;
  label: string;
  password: string | null;
  group: string;
  priority: number;
  tags: string[];
  fields: Record<string, string>;
  secretFields: Record<string, string>;
}

export interface AccountsServiceOptions {
  accounts: AccountsRepository;
  targets: TargetsRepository;
  secrets: SecretBox;
  clock: LocalClock;
  sessions: SessionKeeper;
  /** Answers in a row of rateLimited/locked before an account cools down. */
  coolAfter?: number;
  coolDownMs?: number;
  onChange?: (accountId: number, targetId: string) => void;
}

export class AccountsService {
  readonly sessions: SessionKeeper;

  constructor(private readonly options: AccountsServiceOptions) {
    this.sessions = options.sessions;
  }

  private requireTarget(targetId: string): void {
    if (!this.options.targets.get(targetId)) {
      const known = this.options.targets.list().map((target) => target.id);
      throw new TminusError(
        'TARGET_UNKNOWN',
        `unknown target '${targetId}'; known targets: ${known.join(', ') || '(none)'}`,
      );
    }
  }

  importCsv(targetId: string, bytes: Buffer, options: { dryRun: boolean; encoding?: string }): ImportReport {
    this.requireTarget(targetId);
    const plan = planAccountsImport(bytes, options.encoding);
    const existing = this.options.accounts.usernames(targetId);
    const alreadyImported = plan.accounts
      .filter((row) => existing.has(row.username))
      .map(({ row, username }) => ({ row, username }));
    const fresh = plan.accounts.filter((row) => !existing.has(row.username));
    const ok = plan.problems.length === 0;
    let imported = 0;
    if (ok && !options.dryRun && fresh.length > 0) {
      const { secrets } = this.options;
      imported = this.options.accounts.insertMany(
        fresh.map((row) => ({
          targetId,
          label: row.label,
          username: row.username,
          passwordSealed: row.password === null ? null : secrets.seal(row.password),
          group: row.group,
          priority: row.priority,
          tags: row.tags,
          status: row.status,
          notes: row.notes,
          fields: row.fields,
          secretFields: this.sealFields(row.secretFields),
        })),
        this.options.clock.nowMs(),
      ).length;
    }
    return { ok, dryRun: options.dryRun, imported, valid: fresh.length, alreadyImported, problems: plan.problems };
  }

  private sealFields(fields: Record<string, string>): { names: string[]; sealed: Buffer | null } {
    const names = Object.keys(fields).sort();
    return { names, sealed: names.length > 0 ? this.options.secrets.seal(JSON.stringify(fields)) : null };
  }

  /** Main side only: what a cluster node needs to drive these accounts, secrets opened (seal it before it leaves). */
  portable(ids: number[]): PortableAccount[] {
    return ids.map((id) => {
      const account = this.get(id);
      const sealed = this.options.accounts.sealedSecrets(id);
      return {
        username: account.username,
        label: account.label,
        password: sealed?.password ? this.options.secrets.open(sealed.password) : null,
        group: account.group,
        priority: account.priority,
        tags: account.tags,
        fields: account.fields,
        secretFields: this.openSecretFields(id),
      };
    });
  }

  /**
   * Takes accounts dealt by a cluster's coordinator into this pool: new usernames are inserted (one transaction),
   * a known one gets the dealt password and fields (the coordinator's are the operator's latest). Returns the local
   * id of each username.
   */
  adopt(targetId: string, accounts: PortableAccount[]): Map<string, number> {
    this.requireTarget(targetId);
    const { secrets, clock } = this.options;
    const repo = this.options.accounts;
    const nowMs = clock.nowMs();
    const known = repo.idsByUsername(targetId);
    const fresh = accounts.filter((account) => !known.has(account.username));
    repo.insertMany(
      fresh.map((account) => ({
        targetId,
        label: account.label,
        username: account.username,
        passwordSealed: account.password === null ? null : secrets.seal(account.password),
        group: account.group,
        priority: account.priority,
        tags: account.tags,
        status: 'active',
        notes: '',
        fields: account.fields,
        secretFields: this.sealFields(account.secretFields),
      })),
      nowMs,
    );
    for (const account of accounts) {
      const id = known.get(account.username);
      if (id === undefined) continue;
      repo.setPassword(id, account.password === null ? null : secrets.seal(account.password), nowMs);
      repo.update(id, { fields: account.fields, secretFields: this.sealFields(account.secretFields) }, nowMs);
    }
    return repo.idsByUsername(targetId);
  }

  /** Main side only: the account's fields, secret ones opened, for {{account.fields.NAME}} (never to the renderer). */
  fieldsOf(id: number): Record<string, string> {
    const sealed = this.options.accounts.sealedSecrets(id)?.secretFields ?? null;
    return openFields(this.get(id).fields, sealed, (blob) => this.options.secrets.open(blob));
  }

  private openSecretFields(id: number): Record<string, string> {
    const sealed = this.options.accounts.sealedSecrets(id)?.secretFields;
    return sealed ? (JSON.parse(this.options.secrets.open(sealed)) as Record<string, string>) : {};
  }

  /**
   * CSV without any secret: plain fields as `field:NAME` columns, secret ones left out. Cells that a spreadsheet
   * would run as formulas are neutralised.
   */
  exportCsv(targetId: string): string {
    this.requireTarget(targetId);
    const accounts = this.options.accounts.list(targetId);
    const fieldNames = [...new Set(accounts.flatMap((account) => Object.keys(account.fields)))].sort();
    const rows = accounts.map((account) =>
      [
        account.label,
        account.username,
        account.group,
        String(account.priority),
        account.tags.join(';'),
        account.status,
        account.notes,
        String(account.attempts),
        String(account.successes),
        account.lastUsedAtMs === null ? '' : new Date(account.lastUsedAtMs).toISOString(),
        account.lastOutcome ?? '',
        ...fieldNames.map((name) => account.fields[name] ?? ''),
      ].map(neutraliseFormula),
    );
    const header = [
      'label',
      'username',
      'group',
      'priority',
      'tags',
      'status',
      'notes',
      'attempts',
      'successes',
      'last_used_at',
      'last_outcome',
      ...fieldNames.map((name) => `field:${name}`),
    ];
    return stringify([header, ...rows], { record_delimiter: '\r\n' });
  }

  list(targetId: string): AccountView[] {
    return this.options.accounts.list(targetId);
  }

  get(id: number): AccountView {
    const account = this.options.accounts.get(id);
    if (!account) throw new TminusError('ACCOUNT_NOT_FOUND', `no account ${id}`);
    return account;
  }

  /** Edits an account; `fields`/`secretFields` edits set (a value) or remove (null) one field each. */
  update(id: number, patch: AccountEdit): AccountView {
    const account = this.get(id);
    const { fields, secretFields, ...rest } = patch;
    for (const name of [...Object.keys(fields ?? {}), ...Object.keys(secretFields ?? {})]) {
      const problem = fieldNameProblem(name);
      if (problem) throw new TminusError('INVALID_ARGUMENT', `fields: ${problem}`);
    }
    const nextPlain = fields ? applyFieldsEdit(account.fields, fields) : undefined;
    const nextSecret = secretFields ? applyFieldsEdit(this.openSecretFields(id), secretFields) : undefined;
    const clash = Object.keys(nextPlain ?? account.fields).find((name) =>
      nextSecret ? name in nextSecret : account.secretFields.includes(name),
    );
    if (clash)
      throw new TminusError('INVALID_ARGUMENT', `fields: '${clash}' cannot be both a plain and a secret field`);
    this.options.accounts.update(
      id,
      { ...rest, fields: nextPlain, secretFields: nextSecret ? this.sealFields(nextSecret) : undefined },
      this.options.clock.nowMs(),
    );
    this.options.onChange?.(id, account.targetId);
    return this.get(id);
  }

  /**
   * The target forgot every session (the built-in simulator restarted): the pool forgets them too, at once, so that
   * nothing shows "signed in" and arming signs each account in afresh instead of firing with dead tokens.
   */
  endSessions(targetId: string, reason: string): number {
    const ended = this.options.accounts.endSessions(targetId, reason, this.options.clock.nowMs());
    for (const id of ended) this.options.onChange?.(id, targetId);
    return ended.length;
  }

  setStatus(ids: number[], status: AccountStatus, coolingForMs?: number): number {
    const now = this.options.clock.nowMs();
    const coolingUntil = status === 'cooling' ? now + (coolingForMs ?? this.options.coolDownMs ?? 300_000) : null;
    const changed = this.options.accounts.setStatus(ids, status, coolingUntil, now);
    for (const id of ids) {
      const account = this.options.accounts.get(id);
      if (account) this.options.onChange?.(id, account.targetId);
    }
    return changed;
  }

  remove(ids: number[]): number {
    const leased = ids
      .map((id) => this.options.accounts.get(id))
      .filter((a) => a && a.leaseOwner && (a.leaseExpiresAtMs ?? 0) > this.options.clock.nowMs());
    if (leased.length > 0) {
      throw new TminusError(
        'ACCOUNT_LEASED',
        `${leased.map((a) => a!.username).join(', ')} ${leased.length === 1 ? 'is' : 'are'} leased by a campaign; release first`,
      );
    }
    return this.options.accounts.remove(ids);
  }

  /** Leases `count` accounts of a target to a campaign, best first; a clear error says how many were free. */
  lease(targetId: string, owner: string, count: number, ttlMs: number, filter: LeaseFilter = {}): AccountView[] {
    this.requireTarget(targetId);
    const now = this.options.clock.nowMs();
    const result = this.options.accounts.acquire(targetId, owner, count, now, ttlMs, filter);
    if (!result.ok) {
      const a = result.availability;
      const filtered =
        filter.group || filter.tag || filter.accountIds || filter.excludeIds?.length
          ? ` (${a.matching} of them match the campaign's selection${
              filter.excludeIds?.length
                ? `, after leaving out ${filter.excludeIds.length} that already booked this item or whose result for it is unknown`
                : ''
            })`
          : '';
      throw new TminusError(
        'ACCOUNTS_UNAVAILABLE',
        `asked for ${count} accounts of target '${targetId}' but only ${a.free} are free${filtered}: ${a.total} in the pool, ${a.leased} leased by other campaigns, ${a.cooling} cooling down, ${a.unusable} disabled, locked or banned`,
        { ...a, asked: count },
      );
    }
    return result.ids.map((id) => this.get(id));
  }

  renewLease(owner: string, ttlMs: number): number {
    return this.options.accounts.renew(owner, this.options.clock.nowMs(), ttlMs);
  }

  /** Releases a campaign's leases, but those of `keepIds` (accounts whose result is still unknown). */
  releaseLease(owner: string, keepIds: number[] = []): number {
    return this.options.accounts.release(owner, keepIds);
  }

  reclaimExpiredLeases(): number {
    return this.options.accounts.reclaimExpired(this.options.clock.nowMs());
  }

  /** Counts an answer; a run of rateLimited/locked cools the account down (the account pauses, not the campaign). */
  recordOutcome(id: number, outcome: string): void {
    const run = this.options.accounts.recordOutcome(id, outcome, this.options.clock.nowMs());
    if (run >= (this.options.coolAfter ?? 3)) this.setStatus([id], 'cooling');
  }
}
