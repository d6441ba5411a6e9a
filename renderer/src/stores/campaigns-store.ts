// Campaigns as the console sees them: the list, the one open in detail with its accounts, and a live timeline model
// per campaign fed by the coalesced `attempt/recorded` events (and, when a campaign is opened, its stored attempts).
import { create } from 'zustand';
import type { CallInput, CampaignViewWire, CallOutput, ReconcileReportWire } from '../../../electron/ipc/contract';
import { api } from '../api';
import { TimelineModel } from '../components/timeline/timeline-model';
import { currentOffsetMs } from './clock-store';
import { useNavigationStore } from './navigation-store';

type CampaignAccounts = CallOutput<'campaigns/accounts'>;

interface CampaignsState {
  campaigns: CampaignViewWire[];
  loading: boolean;
  selectedId: string | null;
  accounts: CampaignAccounts;
  error: string | null;
  busy: boolean;
  refresh(): Promise<void>;
  select(id: string | null): void;
  refreshAccounts(): Promise<void>;
  create(spec: CallInput<'campaigns/create'>): Promise<CampaignViewWire>;
  /** Deals the campaign to the cluster's live nodes (this console coordinates it); it is armed at once. */
  runAcrossCluster(spec: CallInput<'cluster/run'>): Promise<CampaignViewWire>;
  update(id: string, spec: CallInput<'campaigns/create'>): Promise<CampaignViewWire>;
  arm(id: string): Promise<void>;
  cancel(id: string): Promise<void>;
  /** Asks the target about the campaign's unknown results; the report says what it learnt. */
  reconcile(id: string): Promise<ReconcileReportWire | null>;
  /** The last reconciliation's report, for the campaign it was about. */
  reconciled: ReconcileReportWire | null;
  /** `name`: the campaign's name in the console's language. */
  rehearse(name?: string): Promise<CampaignViewWire>;
}

const models = new Map<string, TimelineModel>();
const loaded = new Set<string>();

/** The timeline model of a campaign (created on first use). */
export function timelineModel(campaignId: string): TimelineModel {
  let model = models.get(campaignId);
  if (!model) {
    model = new TimelineModel();
    models.set(campaignId, model);
  }
  return model;
}

/** Loads a campaign's stored attempts into its timeline once (pages of 1,000). */
async function loadStored(campaignId: string): Promise<void> {
  if (loaded.has(campaignId)) return;
  loaded.add(campaignId);
  const model = timelineModel(campaignId);
  for (let offset = 0; ; offset += 1_000) {
    const page = await api.invoke('attempts/query', { campaignId, offset, limit: 1_000, filter: {} });
    for (const row of page.rows) {
      if (row.sentServerMs === null) continue; // never sent: no bar to draw
      model.add({
        attemptId: row.id,
        accountId: row.accountId,
        endpoint: row.endpoint,
        sentMs: row.sentServerMs,
        latencyMs: row.latencyMs,
        outcome: row.outcome,
        retry: row.retry,
        nodeId: row.nodeId,
      });
    }
    if (page.rows.length < 1_000 || offset + 1_000 >= 200_000) break;
  }
}

export const useCampaignsStore = create<CampaignsState>()((set, get) => {
  const act = async (work: () => Promise<unknown>): Promise<void> => {
    set({ busy: true, error: null });
    try {
      await work();
      await get().refresh();
    } catch (error) {
      set({ error: (error as Error).message });
      throw error;
    } finally {
      set({ busy: false });
    }
  };
  return {
    campaigns: [],
    loading: false,
    selectedId: null,
    accounts: [],
    error: null,
    busy: false,
    async refresh() {
      set({ loading: true });
      try {
        set({ campaigns: await api.invoke('campaigns/list', {}) });
      } catch (error) {
        set({ error: (error as Error).message });
      } finally {
        set({ loading: false });
      }
    },
    select(id) {
      if (get().selectedId === id) return;
      set({ selectedId: id, accounts: [] });
      const route = useNavigationStore.getState();
      if (route.page === 'campaigns' && route.campaignId !== id) route.openCampaign(id); // the URL names it
      if (id) {
        void loadStored(id).catch(() => undefined);
        void get().refreshAccounts();
      }
    },
    async refreshAccounts() {
      const id = get().selectedId;
      if (!id) return;
      try {
        const accounts = await api.invoke('campaigns/accounts', { id });
        if (get().selectedId === id) set({ accounts });
      } catch {
        // the campaign list shows the error that matters
      }
    },
    async create(spec) {
      let created: CampaignViewWire | null = null;
      await act(async () => {
        created = await api.invoke('campaigns/create', spec);
      });
      return created!;
    },
    async runAcrossCluster(spec) {
      let started: CampaignViewWire | null = null;
      await act(async () => {
        started = await api.invoke('cluster/run', spec);
      });
      loaded.add(started!.id); // a new campaign: everything arrives live
      return started!;
    },
    async update(id, spec) {
      let updated: CampaignViewWire | null = null;
      await act(async () => {
        updated = await api.invoke('campaigns/update', { id, spec });
      });
      return updated!;
    },
    arm: (id) => act(() => api.invoke('campaigns/arm', { id })),
    cancel: (id) => act(() => api.invoke('campaigns/cancel', { id })),
    reconciled: null,
    async reconcile(id) {
      let report: ReconcileReportWire | null = null;
      await act(async () => {
        report = await api.invoke('campaigns/reconcile', { id });
      });
      set({ reconciled: report });
      await get().refreshAccounts(); // leases released, bookings counted
      return report;
    },
    async rehearse(name) {
      let campaign: CampaignViewWire | null = null;
      await act(async () => {
        campaign = await api.invoke('sim/rehearse', name ? { name } : {});
      });
      loaded.add(campaign!.id); // a new campaign: everything arrives live
      get().select(campaign!.id);
      return campaign!;
    },
  };
});

api.on('attempt/recorded', (events) => {
  const offset = currentOffsetMs();
  for (const event of events) {
    timelineModel(event.campaignId).add({
      attemptId: event.attemptId,
      accountId: event.accountId,
      endpoint: event.endpoint,
      // A cluster node's attempt comes with its instant on the target's clock (the node's own clock is not ours).
      sentMs: event.sentServerMs ?? event.sentLocalMs + offset,
      latencyMs: event.latencyMs,
      outcome: event.outcome,
      retry: event.retry,
      nodeId: event.nodeId ?? null,
    });
  }
});

let accountsTimer: ReturnType<typeof setTimeout> | null = null;
api.on('attempt/recorded', () => {
  if (accountsTimer) return;
  accountsTimer = setTimeout(() => {
    accountsTimer = null;
    void useCampaignsStore.getState().refreshAccounts();
  }, 1_000);
});
api.on('campaign/state', () => {
  void useCampaignsStore.getState().refresh();
  void useCampaignsStore.getState().refreshAccounts();
});
api.onStatus((status) => {
  if (status === 'connected') void useCampaignsStore.getState().refresh();
});

// The URL names the campaign open (reload, Back/Forward): follow it.
const followRoute = (campaignId: string | null): void => {
  if (useCampaignsStore.getState().selectedId !== campaignId) useCampaignsStore.getState().select(campaignId);
};
followRoute(useNavigationStore.getState().campaignId);
useNavigationStore.subscribe((route, previous) => {
  if (route.page === 'campaigns' && route.campaignId !== previous.campaignId) followRoute(route.campaignId);
});
