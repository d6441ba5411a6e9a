// The operations board's live figures: each running campaign's readiness, pushed by `campaign/readiness` every
// second while it runs, read once on connecting and whenever a campaign changes state (so a reload shows it at once).
import { create } from 'zustand';
import type { ReadinessWire } from '../../../electron/ipc/contract';
import { api } from '../api';
import { useCampaignsStore } from './campaigns-store';

interface BoardState {
  readiness: Record<string, ReadinessWire>;
  load(campaignId: string): Promise<void>;
}

export const useBoardStore = create<BoardState>()((set, get) => ({
  readiness: {},
  async load(campaignId) {
    try {
      const readiness = await api.invoke('campaigns/readiness', { id: campaignId });
      if (readiness) set({ readiness: { ...get().readiness, [campaignId]: readiness } });
    } catch {
      // the campaign list shows what matters
    }
  },
}));

api.on('campaign/readiness', (events) => {
  const next = { ...useBoardStore.getState().readiness };
  for (const event of events) next[event.campaignId] = event;
  useBoardStore.setState({ readiness: next });
});

const ACTIVE = new Set(['armed', 'firing']);
const loadActive = (): void => {
  for (const campaign of useCampaignsStore.getState().campaigns)
    if (ACTIVE.has(campaign.state)) void useBoardStore.getState().load(campaign.id);
};
useCampaignsStore.subscribe((state, previous) => {
  if (state.campaigns !== previous.campaigns) loadActive();
});
