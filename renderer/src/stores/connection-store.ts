// Whether the console can reach the main side right now (the WebSocket may drop; Electron IPC does not).
import { create } from 'zustand';
import { api, type ConnectionStatus } from '../api';

interface ConnectionState {
  status: ConnectionStatus;
}

export const useConnectionStore = create<ConnectionState>()(() => ({ status: 'connecting' }));

api.onStatus((status) => useConnectionStore.setState({ status }));
