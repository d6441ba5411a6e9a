// The key a target sees on every retry of one (campaign, account, item): derived, not stored, so it survives a crash
// and a restart unchanged, and the target answers a replay with its first result instead of booking twice.
import { createHash } from 'node:crypto';

export function idempotencyKey(campaignId: string, accountId: number, itemId: string): string {
  const digest = createHash('sha256').update(`${campaignId}\u0000${accountId}\u0000${itemId}`).digest('base64url');
  return `tm-${digest.slice(0, 26)}`;
}
