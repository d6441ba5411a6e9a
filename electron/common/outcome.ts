// What an answer meant, as the classifier says it: the nine outcomes. Plain zod (the contract uses it too).
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
]);
