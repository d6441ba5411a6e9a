// The `accounts` table: the pool, its leases and health. Secrets arrive here sealed and leave sealed; the views this
// repository returns carry no secret at all, only whether one is there.
import type Database from 'better-sqlite3';

export const ACCOUNT_STATUSES = ['active', 'cooling', 'locked', 'banned', 'disabled'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

export interface AccountView {
  id: number;
  targetId: string;
  label: string;
  username: string;
  group: string;
  priority: number;
  tags: string[];
  /** Fields beyond username and password ({{account.fields.NAME}}); secret ones are named here, never shown. */
  fields: Record<string, string>;
  secretFields: string[];
  status: AccountStatus;
  coolingUntilMs: number | null;
  notes: string;
  attempts: number;
  successes: number;
  lastUsedAtMs: number | null;
  lastOutcome: string | null;
  leaseOwner: string | null;
  leaseExpiresAtMs: number | null;
  hasPassword: boolean;
  hasTokens: boolean;
  accessExpiresAtMs: number | null;
  refreshExpiresAtMs: number | null;
  signInNeeded: boolean;
  signInError: string | null;
  createdAtMs: number;
  updatedAtMs: number;
}

export interface NewAccount {
  targetId: string;
  label: string;
  username: string;
  passwordSealed: Buffer | null;
  group: string;
  priority: number;
  tags: string[];
  status: 'active' | 'disabled';
  notes: string;
  fields: Record<string, string>;
  /** The secret fields, sealed as one JSON object, and their names. */
  secretFields: { names: string[]; sealed: Buffer | null };
}

export interface AccountPatch {
  label?: string;
  group?: string;
  priority?: number;
  tags?: string[];
  notes?: string;
  fields?: Record<string, string>;
  secretFields?: { names: string[]; sealed: Buffer | null };
}

export interface LeaseFilter {
  group?: string;
  tag?: string;
  accountIds?: number[];
  /** Never these (the ledger's already-booked and unsettled accounts). */
  excludeIds?: number[];
  /** Take as many as are free, up to the count, rather than none when fewer are free (none free still fails). */
  upTo?: boolean;
}

const VIEW_COLUMNS = `id, target_id AS targetId, label, username, group_name AS "group", priority, tags_json AS tagsJson,
  fields_json AS fieldsJson, secret_field_names_json AS secretFieldsJson, status, cooling_until_ms AS coolingUntilMs, notes, attempts_count AS attempts, successes_count AS successes,
  last_used_at_ms AS lastUsedAtMs, last_outcome AS lastOutcome, lease_owner AS leaseOwner,
  lease_expires_at_ms AS leaseExpiresAtMs, password_sealed IS NOT NULL AS hasPassword,
  tokens_sealed IS NOT NULL AS hasTokens, access_expires_at_ms AS accessExpiresAtMs,
  refresh_expires_at_ms AS refreshExpiresAtMs, sign_in_needed AS signInNeeded, sign_in_error AS signInError,
  created_at_ms AS createdAtMs, updated_at_ms AS updatedAtMs`;

type ViewRow = Omit<AccountView, 'tags' | 'fields' | 'secretFields' | 'hasPassword' | 'hasTokens' | 'signInNeeded'> & {
  tagsJson: string;
  fieldsJson: string;
  secretFieldsJson: string;
  hasPassword: number;
  hasTokens: number;
  signInNeeded: number;
};

const toView = (row: ViewRow): AccountView => {
  const { tagsJson, fieldsJson, secretFieldsJson, ...rest } = row;
  return {
    ...rest,
    tags: JSON.parse(tagsJson) as string[],
    fields: JSON.parse(fieldsJson) as Record<string, string>,
    secretFields: JSON.parse(secretFieldsJson) as string[],
    hasPassword: row.hasPassword === 1,
    hasTokens: row.hasTokens === 1,
    signInNeeded: row.signInNeeded === 1,
  };
};

/** An account may be leased when it is active (or its cool-down is over) and nobody holds an unexpired lease. */
const AVAILABLE = `(status = 'active' OR (status = 'cooling' AND cooling_until_ms <= @nowMs))
  AND (lease_owner IS NULL OR lease_expires_at_ms <= @nowMs)`;

/** Instants are stored as whole milliseconds (INTEGER columns of STRICT tables); the local clock has fractions. */
const ms = (value: number): number => Math.round(value);
const msOrNull = (value: number | null): number | null => (value === null ? null : Math.round(value));

export class AccountsRepository {
  private readonly statements;

  constructor(private readonly db: Database.Database) {
    this.statements = {
      insert: db.prepare(`INSERT INTO accounts (target_id, label, username, password_sealed, group_name, priority,
          tags_json, fields_json, secret_field_names_json, secret_fields_sealed, status, notes, sign_in_needed,
          created_at_ms, updated_at_ms)
        VALUES (@targetId, @label, @username, @passwordSealed, @group, @priority, @tagsJson, @fieldsJson,
          @secretNamesJson, @secretSealed, @status, @notes, @signInNeeded, @nowMs, @nowMs)`),
      usernames: db.prepare('SELECT username FROM accounts WHERE target_id = ?'),
      idsByUsername: db.prepare('SELECT id, username FROM accounts WHERE target_id = ?'),
      setPassword: db.prepare(`UPDATE accounts SET password_sealed = @passwordSealed,
          sign_in_needed = CASE WHEN @passwordSealed IS NULL THEN 1 ELSE sign_in_needed END, updated_at_ms = @nowMs
          WHERE id = @id`),
      list: db.prepare(`SELECT ${VIEW_COLUMNS} FROM accounts WHERE target_id = ? ORDER BY priority DESC, id`),
      get: db.prepare(`SELECT ${VIEW_COLUMNS} FROM accounts WHERE id = ?`),
      secrets: db.prepare(
        `SELECT username, password_sealed AS password, tokens_sealed AS tokens, secret_fields_sealed AS secretFields
          FROM accounts WHERE id = ?`,
      ),
      update:
        db.prepare(`UPDATE accounts SET label = coalesce(@label, label), group_name = coalesce(@group, group_name),
          priority = coalesce(@priority, priority), tags_json = coalesce(@tagsJson, tags_json),
          notes = coalesce(@notes, notes), fields_json = coalesce(@fieldsJson, fields_json),
          secret_field_names_json = CASE WHEN @setSecrets THEN @secretNamesJson ELSE secret_field_names_json END,
          secret_fields_sealed = CASE WHEN @setSecrets THEN @secretSealed ELSE secret_fields_sealed END,
          updated_at_ms = @nowMs WHERE id = @id`),
      setStatus: db.prepare(`UPDATE accounts SET status = @status, cooling_until_ms = @coolingUntilMs,
          consecutive_limited = 0, updated_at_ms = @nowMs WHERE id = @id`),
      setTokens:
        db.prepare(`UPDATE accounts SET tokens_sealed = @tokensSealed, access_expires_at_ms = @accessExpiresAtMs,
          refresh_expires_at_ms = @refreshExpiresAtMs, sign_in_needed = 0, sign_in_error = NULL,
          updated_at_ms = @nowMs WHERE id = @id`),
      signInFailed: db.prepare(`UPDATE accounts SET tokens_sealed = NULL, access_expires_at_ms = NULL,
          refresh_expires_at_ms = NULL, sign_in_needed = 1, sign_in_error = @error, updated_at_ms = @nowMs
          WHERE id = @id`),
      remove: db.prepare('DELETE FROM accounts WHERE id = ?'),
      endSessions: db.prepare(`UPDATE accounts SET tokens_sealed = NULL, access_expires_at_ms = NULL,
          refresh_expires_at_ms = NULL, sign_in_error = @reason, updated_at_ms = @nowMs
          WHERE target_id = @targetId AND tokens_sealed IS NOT NULL RETURNING id`),
      candidates: db.prepare(`SELECT id FROM accounts WHERE target_id = @targetId AND ${AVAILABLE}
          AND (@group IS NULL OR group_name = @group)
          AND (@tag IS NULL OR EXISTS (SELECT 1 FROM json_each(tags_json) WHERE value = @tag))
          AND (@idsJson IS NULL OR id IN (SELECT value FROM json_each(@idsJson)))
          AND (@excludeJson IS NULL OR id NOT IN (SELECT value FROM json_each(@excludeJson)))
          ORDER BY priority DESC, sign_in_needed ASC, consecutive_limited ASC,
            (last_outcome IN ('rateLimited', 'unauthorized', 'fatal')) ASC, coalesce(last_used_at_ms, 0) ASC, id
          LIMIT @count`),
      take: db.prepare(`UPDATE accounts SET lease_owner = @owner, lease_expires_at_ms = @expiresAtMs WHERE id = @id`),
      availability: db.prepare(`SELECT
          count(*) AS total,
          sum(${AVAILABLE}) AS free,
          sum(lease_owner IS NOT NULL AND lease_expires_at_ms > @nowMs) AS leased,
          sum(status = 'cooling' AND cooling_until_ms > @nowMs) AS cooling,
          sum(status IN ('disabled', 'locked', 'banned')) AS unusable
        FROM accounts WHERE target_id = @targetId`),
      renew: db.prepare(`UPDATE accounts SET lease_expires_at_ms = @expiresAtMs
          WHERE lease_owner = @owner AND lease_expires_at_ms > @nowMs`),
      release: db.prepare(`UPDATE accounts SET lease_owner = NULL, lease_expires_at_ms = NULL WHERE lease_owner = ?
          AND id NOT IN (SELECT value FROM json_each(?))`),
      reclaim: db.prepare(`UPDATE accounts SET lease_owner = NULL, lease_expires_at_ms = NULL
          WHERE lease_owner IS NOT NULL AND lease_expires_at_ms <= ?`),
      held: db.prepare(
        `SELECT ${VIEW_COLUMNS} FROM accounts WHERE lease_owner = ? AND lease_expires_at_ms > ? ORDER BY id`,
      ),
      outcome: db.prepare(`UPDATE accounts SET attempts_count = attempts_count + 1,
          successes_count = successes_count + (@outcome = 'success'), last_used_at_ms = @nowMs, last_outcome = @outcome,
          consecutive_limited = CASE WHEN @outcome IN ('rateLimited', 'locked') THEN consecutive_limited + 1 ELSE 0 END
        WHERE id = @id RETURNING consecutive_limited AS consecutiveLimited`),
      checked: db.prepare('UPDATE accounts SET last_checked_at_ms = ? WHERE id = ?'),
      dueForCheck: db.prepare(`SELECT id FROM accounts WHERE target_id = @targetId AND status IN ('active', 'cooling')
          AND tokens_sealed IS NOT NULL AND coalesce(last_checked_at_ms, 0) <= @beforeMs
          ORDER BY coalesce(access_expires_at_ms, 0), id LIMIT @limit`),
    };
  }

  /** Inserts all rows in one transaction: all of them or none. Returns the new ids. */
  insertMany(rows: NewAccount[], nowMs: number): number[] {
    return this.db.transaction(() =>
      rows.map((row) =>
        Number(
          this.statements.insert.run({
            ...row,
            tagsJson: JSON.stringify(row.tags),
            fieldsJson: JSON.stringify(row.fields),
            secretNamesJson: JSON.stringify(row.secretFields.names),
            secretSealed: row.secretFields.sealed,
            signInNeeded: row.passwordSealed === null ? 1 : 0,
            nowMs: ms(nowMs),
          }).lastInsertRowid,
        ),
      ),
    )();
  }

  usernames(targetId: string): Set<string> {
    return new Set((this.statements.usernames.all(targetId) as Array<{ username: string }>).map((row) => row.username));
  }

  /** Each account's id by its username, for one target. */
  idsByUsername(targetId: string): Map<string, number> {
    const rows = this.statements.idsByUsername.all(targetId) as Array<{ id: number; username: string }>;
    return new Map(rows.map((row) => [row.username, row.id]));
  }

  setPassword(id: number, passwordSealed: Buffer | null, nowMs: number): void {
    this.statements.setPassword.run({ id, passwordSealed, nowMs: ms(nowMs) });
  }

  list(targetId: string): AccountView[] {
    return (this.statements.list.all(targetId) as ViewRow[]).map(toView);
  }

  get(id: number): AccountView | null {
    const row = this.statements.get.get(id) as ViewRow | undefined;
    return row ? toView(row) : null;
  }

  sealedSecrets(id: number): SealedAccountSecrets | null {
    return (this.statements.secrets.get(id) as SealedAccountSecrets | undefined) ?? null;
  }

  update(id: number, patch: AccountPatch, nowMs: number): boolean {
    return (
      this.statements.update.run({
        id,
        label: patch.label ?? null,
        group: patch.group ?? null,
        priority: patch.priority ?? null,
        tagsJson: patch.tags ? JSON.stringify(patch.tags) : null,
        notes: patch.notes ?? null,
        fieldsJson: patch.fields ? JSON.stringify(patch.fields) : null,
        setSecrets: patch.secretFields ? 1 : 0,
        secretNamesJson: JSON.stringify(patch.secretFields?.names ?? []),
        secretSealed: patch.secretFields?.sealed ?? null,
        nowMs: ms(nowMs),
      }).changes === 1
    );
  }

  setStatus(ids: number[], status: AccountStatus, coolingUntilMs: number | null, nowMs: number): number {
    return this.db.transaction(() =>
      ids.reduce(
        (changed, id) =>
          changed +
          this.statements.setStatus.run({ id, status, coolingUntilMs: msOrNull(coolingUntilMs), nowMs: ms(nowMs) })
            .changes,
        0,
      ),
    )();
  }

  setTokens(
    id: number,
    tokensSealed: Buffer,
    accessExpiresAtMs: number,
    refreshExpiresAtMs: number,
    nowMs: number,
  ): void {
    this.statements.setTokens.run({
      id,
      tokensSealed,
      accessExpiresAtMs: ms(accessExpiresAtMs),
      refreshExpiresAtMs: ms(refreshExpiresAtMs),
      nowMs: ms(nowMs),
    });
  }

  markSignInFailed(id: number, error: string, nowMs: number): void {
    this.statements.signInFailed.run({ id, error, nowMs: ms(nowMs) });
  }

  /** Forgets every session of a target (its server forgot them); returns the accounts whose session ended. */
  endSessions(targetId: string, reason: string, nowMs: number): number[] {
    return (this.statements.endSessions.all({ targetId, reason, nowMs: ms(nowMs) }) as Array<{ id: number }>).map(
      (row) => row.id,
    );
  }

  remove(ids: number[]): number {
    return this.db.transaction(() => ids.reduce((n, id) => n + this.statements.remove.run(id).changes, 0))();
  }

  /**
   * Leases `count` accounts to `owner` in one IMMEDIATE transaction (so two processes sharing the file cannot take
   * the same account), or none when fewer are free. Returns the ids taken, or the availability counts.
   */
  acquire(
    targetId: string,
    owner: string,
    count: number,
    nowMs: number,
    ttlMs: number,
    filter: LeaseFilter = {},
  ): { ok: true; ids: number[] } | { ok: false; availability: Availability } {
    const attempt = this.db.transaction(() => {
      const ids = (
        this.statements.candidates.all({
          targetId,
          nowMs,
          count,
          group: filter.group ?? null,
          tag: filter.tag ?? null,
          idsJson: filter.accountIds ? JSON.stringify(filter.accountIds) : null,
          excludeJson: filter.excludeIds && filter.excludeIds.length > 0 ? JSON.stringify(filter.excludeIds) : null,
        }) as Array<{ id: number }>
      ).map((row) => row.id);
      if (ids.length < count && !(filter.upTo && ids.length > 0))
        return { ok: false as const, availability: { ...this.availability(targetId, nowMs), matching: ids.length } };
      for (const id of ids) this.statements.take.run({ id, owner, expiresAtMs: ms(nowMs + ttlMs) });
      return { ok: true as const, ids };
    });
    return attempt.immediate();
  }

  availability(targetId: string, nowMs: number): Availability {
    const row = this.statements.availability.get({ targetId, nowMs }) as Record<string, number | null>;
    return {
      total: row.total ?? 0,
      free: row.free ?? 0,
      leased: row.leased ?? 0,
      cooling: row.cooling ?? 0,
      unusable: row.unusable ?? 0,
      matching: row.free ?? 0,
    };
  }

  renew(owner: string, nowMs: number, ttlMs: number): number {
    return this.statements.renew.run({ owner, nowMs, expiresAtMs: ms(nowMs + ttlMs) }).changes;
  }

  /** Releases `owner`'s leases, but those of `keepIds`. */
  release(owner: string, keepIds: number[] = []): number {
    return this.statements.release.run(owner, JSON.stringify(keepIds)).changes;
  }

  reclaimExpired(nowMs: number): number {
    return this.statements.reclaim.run(nowMs).changes;
  }

  heldBy(owner: string, nowMs: number): AccountView[] {
    return (this.statements.held.all(owner, nowMs) as ViewRow[]).map(toView);
  }

  /** Updates stats; returns how many rateLimited/locked answers in a row the account has now had. */
  recordOutcome(id: number, outcome: string, nowMs: number): number {
    const row = this.statements.outcome.get({ id, outcome, nowMs: ms(nowMs) }) as
      { consecutiveLimited: number } | undefined;
    return row?.consecutiveLimited ?? 0;
  }

  markChecked(id: number, nowMs: number): void {
    this.statements.checked.run(ms(nowMs), id);
  }

  dueForCheck(targetId: string, beforeMs: number, limit: number): number[] {
    return (this.statements.dueForCheck.all({ targetId, beforeMs, limit }) as Array<{ id: number }>).map(
      (row) => row.id,
    );
  }
}

export interface SealedAccountSecrets {
  username: string;
  password: Buffer | null;
  tokens: Buffer | null;
  secretFields: Buffer | null;
}

export interface Availability {
  total: number;
  free: number;
  leased: number;
  cooling: number;
  unusable: number;
  /** Free accounts that also match the request's group/tag/ids filter. */
  matching: number;
}
