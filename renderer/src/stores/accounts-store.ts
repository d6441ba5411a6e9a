// The Accounts page's state: the chosen target, its accounts (views without secrets), the selection, and an import
// in progress (the dry run's report, kept until the operator confirms or cancels).
import { create } from 'zustand';
import type { AccountViewWire, ImportReportWire } from '../../../electron/ipc/contract';
import { api } from '../api';

type Encoding = 'utf-8' | 'gbk' | 'gb18030' | 'big5' | 'utf-16le';

interface PendingImport {
  fileName: string;
  fileBase64: string;
  encoding: Encoding;
  report: ImportReportWire;
}

interface AccountsState {
  targets: Array<{ id: string; name: string; builtin: boolean }>;
  targetId: string;
  accounts: AccountViewWire[];
  loading: boolean;
  busy: boolean;
  error: string | null;
  notice: string | null;
  selected: number[];
  pendingImport: PendingImport | null;
  load(): Promise<void>;
  setTarget(targetId: string): void;
  select(ids: number[]): void;
  checkImport(file: File, encoding: Encoding): Promise<void>;
  changeImportEncoding(encoding: Encoding): Promise<void>;
  confirmImport(): Promise<void>;
  cancelImport(): void;
  exportCsv(): Promise<string>;
  setStatus(ids: number[], status: AccountViewWire['status'], coolingForMs?: number): Promise<void>;
  signIn(ids: number[]): Promise<void>;
  browserLogin(id: number): Promise<void>;
  remove(ids: number[]): Promise<void>;
  update(
    id: number,
    patch: {
      label?: string;
      group?: string;
      priority?: number;
      tags?: string[];
      notes?: string;
      fields?: Record<string, string | null>;
      secretFields?: Record<string, string | null>;
    },
  ): Promise<void>;
  clearNotice(): void;
}

async function toBase64(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let index = 0; index < bytes.length; index += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(index, index + 0x8000));
  }
  return btoa(binary);
}

export const useAccountsStore = create<AccountsState>()((set, get) => {
  const guarded = async (work: () => Promise<void>): Promise<void> => {
    set({ busy: true, error: null });
    try {
      await work();
    } catch (error) {
      set({ error: (error as Error).message });
    } finally {
      set({ busy: false });
    }
  };
  return {
    targets: [],
    targetId: 'simulator',
    accounts: [],
    loading: false,
    busy: false,
    error: null,
    notice: null,
    selected: [],
    pendingImport: null,
    async load() {
      set({ loading: true });
      try {
        const [targets, accounts] = await Promise.all([
          api.invoke('targets/list', {}),
          api.invoke('accounts/list', { targetId: get().targetId }),
        ]);
        const known = new Set(accounts.map((account) => account.id));
        set({ targets, accounts, selected: get().selected.filter((id) => known.has(id)), error: null });
      } catch (error) {
        set({ error: (error as Error).message });
      } finally {
        set({ loading: false });
      }
    },
    setTarget(targetId) {
      set({ targetId, selected: [], accounts: [] });
      void get().load();
    },
    select: (selected) => set({ selected }),
    checkImport: (file, encoding) =>
      guarded(async () => {
        const fileBase64 = await toBase64(file);
        const report = await api.invoke('accounts/import', {
          targetId: get().targetId,
          fileBase64,
          encoding,
          dryRun: true,
        });
        set({ pendingImport: { fileName: file.name, fileBase64, encoding, report } });
      }),
    changeImportEncoding: (encoding) =>
      guarded(async () => {
        const pending = get().pendingImport;
        if (!pending) return;
        const report = await api.invoke('accounts/import', {
          targetId: get().targetId,
          fileBase64: pending.fileBase64,
          encoding,
          dryRun: true,
        });
        set({ pendingImport: { ...pending, encoding, report } });
      }),
    confirmImport: () =>
      guarded(async () => {
        const pending = get().pendingImport;
        if (!pending) return;
        const report = await api.invoke('accounts/import', {
          targetId: get().targetId,
          fileBase64: pending.fileBase64,
          encoding: pending.encoding,
          dryRun: false,
        });
        if (!report.ok) {
          set({ pendingImport: { ...pending, report } });
          return;
        }
        set({ pendingImport: null, notice: `imported:${report.imported}` });
        await get().load();
      }),
    cancelImport: () => set({ pendingImport: null }),
    exportCsv: async () => (await api.invoke('accounts/export', { targetId: get().targetId })).csv,
    setStatus: (ids, status, coolingForMs) =>
      guarded(async () => {
        await api.invoke('accounts/set-status', { ids, status, ...(coolingForMs ? { coolingForMs } : {}) });
        await get().load();
      }),
    signIn: (ids) =>
      guarded(async () => {
        const results = await api.invoke('accounts/sign-in', { ids });
        const failed = results.filter((result) => !result.ok);
        if (failed.length > 0) set({ error: failed.map((result) => result.error).join('\n') });
        await get().load();
      }),
    browserLogin: (id) =>
      guarded(async () => {
        await api.invoke('accounts/browser-login', { id });
        await get().load();
      }),
    remove: (ids) =>
      guarded(async () => {
        await api.invoke('accounts/remove', { ids });
        set({ selected: [] });
        await get().load();
      }),
    update: (id, patch) =>
      guarded(async () => {
        await api.invoke('accounts/update', { id, ...patch });
        await get().load();
      }),
    clearNotice: () => set({ notice: null }),
  };
});

// Changes made elsewhere (a campaign, the health check) arrive as events; reload at most twice a second.
let reloadTimer: ReturnType<typeof setTimeout> | null = null;
api.on('account/changed', (events) => {
  if (!events.some((event) => event.targetId === useAccountsStore.getState().targetId)) return;
  reloadTimer ??= setTimeout(() => {
    reloadTimer = null;
    void useAccountsStore.getState().load();
  }, 500);
});
