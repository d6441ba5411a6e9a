// Typed application errors: a stable `code` the UI and the CLI can branch on, and a message naming the field, row or value.
export type ErrorCode =
  | 'INVALID_INPUT'
  | 'UNKNOWN_CALL'
  | 'INTERNAL'
  | 'MIGRATION_EDITED'
  | 'MIGRATION_FAILED'
  | 'DATA_DIR_INVALID'
  | 'PROFILE_INVALID'
  | 'SCENARIO_INVALID'
  | 'SIM_NOT_RUNNING'
  | 'SIM_ALREADY_RUNNING'
  | 'CLOCK_SOURCE_FAILED'
  | 'CLOCK_NO_SOURCE'
  | 'INVALID_ARGUMENT'
  | 'SECRET_UNREADABLE'
  | 'TARGET_UNKNOWN'
  | 'ACCOUNT_NOT_FOUND'
  | 'ACCOUNTS_UNAVAILABLE'
  | 'ACCOUNT_LEASED'
  | 'IMPORT_INVALID'
  | 'SIGN_IN_FAILED'
  | 'BROWSER_UNAVAILABLE'
  | 'CAPTCHA_UNANSWERED'
  | 'CAMPAIGN_INVALID'
  | 'CAMPAIGN_NOT_FOUND'
  | 'CAMPAIGN_STATE'
  | 'CAMPAIGN_PAST'
  | 'CAPTCHA_MODEL_INVALID'
  | 'CAPTCHA_UNREADABLE'
  | 'CAPTCHA_WORKER_DIED'
  | 'SCHEDULE_INVALID'
  | 'SCHEDULE_NOT_FOUND'
  | 'NOTIFIER_INVALID'
  | 'NOTIFIER_NOT_FOUND'
  | 'NOTIFY_FAILED'
  | 'EXPORT_FAILED'
  | 'STORAGE_LOW'
  | 'RECORD_UNWRITTEN'
  | 'PAYLOAD_TOO_LARGE'
  | 'CLUSTER_URL_INVALID'
  | 'CLUSTER_KEY_MISSING'
  | 'CLUSTER_KEY_MISMATCH'
  | 'CLUSTER_UNREACHABLE'
  | 'CLUSTER_LEASE_LOST'
  | 'CLUSTER_NO_NODES'
  | 'CLUSTER_NOT_JOINED';

export class TminusError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'TminusError';
    this.code = code;
    this.details = details;
  }
}
