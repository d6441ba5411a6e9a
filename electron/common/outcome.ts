// What an answer meant, as the classifier says it: the eleven outcomes. Plain zod (the contract uses it too).
import { z } from 'zod';

export const OutcomeSchema = z.enum([
  'success',
  'soldOut',
  'notOpen',
  'rateLimited',
  'captchaRequired',
  'captchaRejected',
  'unauthorized',
  'retryable',
  'fatal',
  /** The target says this account already holds the booking (one per user): it counts as booked, never retried. */
  'alreadyBooked',
  /** Accepted but not decided (a queued booking): poll until it is. */
  'pending',
]);
