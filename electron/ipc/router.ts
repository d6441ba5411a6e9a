// One router for every transport: parses the inbound payload against the contract, runs the handler, parses the output
// (so nothing the contract does not name — a secret, say — can leave), and turns every failure into a WireError.
import type { z } from 'zod';
import { calls, isCallName, type CallName, type Calls, type CallOutput } from './contract';
import type { Reply, WireError } from './wire';
import { TminusError } from '../errors';

export type Handlers = {
  [K in CallName]: (input: z.output<Calls[K]['input']>) => Promise<CallOutput<K>> | CallOutput<K>;
};

/** The handlers of one contract namespace (`accounts`, `clock`, …), which that domain provides. */
export type HandlersFor<Namespace extends string> = Pick<Handlers, Extract<CallName, `${Namespace}/${string}`>>;

export interface Router {
  dispatch(call: string, input: unknown): Promise<Reply>;
}

export interface RouterOptions {
  /** Where unexpected errors are reported; the client only sees `INTERNAL`. */
  onInternalError?: (call: string, error: unknown) => void;
}

const formatPath = (path: ReadonlyArray<PropertyKey>): string =>
  path.length === 0 ? '(input)' : path.map((part) => String(part)).join('.');

export function toWireError(error: unknown): WireError {
  if (error instanceof TminusError) {
    return { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) };
  }
  return { code: 'INTERNAL', message: 'internal error' };
}

export function createRouter(handlers: Handlers, options: RouterOptions = {}): Router {
  return {
    async dispatch(call, input) {
      if (!isCallName(call)) {
        return { ok: false, error: { code: 'UNKNOWN_CALL', message: `unknown call '${String(call)}'` } };
      }
      const schema = calls[call];
      const parsed = schema.input.safeParse(input ?? {});
      if (!parsed.success) {
        const issues = parsed.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
        const first = issues[0];
        return {
          ok: false,
          error: {
            code: 'INVALID_INPUT',
            message: `invalid input for ${call}: ${first ? `${first.path}: ${first.message}` : 'rejected'}`,
            issues,
          },
        };
      }
      try {
        const handler = handlers[call] as (input: unknown) => unknown;
        const output = schema.output.parse(await handler(parsed.data));
        return { ok: true, output };
      } catch (error) {
        if (!(error instanceof TminusError)) options.onInternalError?.(call, error);
        return { ok: false, error: toWireError(error) };
      }
    },
  };
}
