// The typed client every store uses: argument and result types come from the contract, whatever the transport.
import type { CallInput, CallName, CallOutput, EventPayload, Topic } from '../../../electron/ipc/contract';
import type { WireError } from '../../../electron/ipc/wire';
import type { ConnectionStatus, Transport } from './transport';

export class ApiError extends Error {
  readonly code: string;
  readonly issues: WireError['issues'];
  readonly details: WireError['details'];

  constructor(error: WireError) {
    super(error.message);
    this.name = 'ApiError';
    this.code = error.code;
    this.issues = error.issues;
    this.details = error.details;
  }
}

export interface ApiClient {
  invoke<K extends CallName>(call: K, input: CallInput<K>): Promise<CallOutput<K>>;
  on<T extends Topic>(topic: T, listener: (events: Array<EventPayload<T>>) => void): () => void;
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
}

export function createApiClient(transport: Transport): ApiClient {
  return {
    async invoke(call, input) {
      const reply = await transport.invoke(call, input);
      if (!reply.ok) throw new ApiError(reply.error);
      return reply.output as CallOutput<typeof call>;
    },
    on(topic, listener) {
      return transport.on(topic, (events) => listener(events as Array<EventPayload<typeof topic>>));
    },
    onStatus: (listener) => transport.onStatus(listener),
  };
}
