// The Reports page: which campaign (and which to compare it with), the attribution dimension, the drill-down
// filter, and the attempts table's rows, loaded a page at a time as it scrolls.
import { create } from 'zustand';
import type {
  AttemptRowWire,
  AttributionRowWire,
  CallInput,
  CallOutput,
  DimensionWire,
} from '../../../electron/ipc/contract';
import { api } from '../api';

export type AttemptFilter = NonNullable<CallInput<'attempts/query'>['filter']>;
export type Sort = NonNullable<CallInput<'attempts/query'>['sort']>;

interface ReportsState {
  campaignId: string | null;
  compareId: string | null;
  dimension: DimensionWire;
  attribution: AttributionRowWire[];
  /** The campaign's attempts by latency and by fire offset, for the histograms. */
  distributions: { latency: AttributionRowWire[]; fireOffset: AttributionRowWire[] };
  compareAttribution: AttributionRowWire[];
  history: CallOutput<'reports/open-history'> | null;
  filter: AttemptFilter;
  drillLabel: string | null;
  sort: Sort;
  rows: AttemptRowWire[];
  total: number;
  loadingRows: boolean;
  error: string | null;
  setCampaign(id: string | null): void;
  setCompare(id: string | null): void;
  setDimension(dimension: DimensionWire): void;
  setFilter(filter: AttemptFilter, drillLabel?: string | null): void;
  setSort(sort: Sort): void;
  loadAttribution(): Promise<void>;
  loadHistory(targetId: string): Promise<void>;
  reloadRows(): Promise<void>;
  loadMoreRows(): Promise<void>;
}

const PAGE = 500;

export const useReportsStore = create<ReportsState>()((set, get) => ({
  campaignId: null,
  compareId: null,
  dimension: 'account',
  attribution: [],
  distributions: { latency: [], fireOffset: [] },
  compareAttribution: [],
  history: null,
  filter: {},
  drillLabel: null,
  sort: { field: 'id', order: 'asc' },
  rows: [],
  total: 0,
  loadingRows: false,
  error: null,
  setCampaign(id) {
    set({ campaignId: id, filter: {}, drillLabel: null, rows: [], total: 0, attribution: [] });
    void get().loadAttribution();
    void get().reloadRows();
  },
  setCompare(id) {
    set({ compareId: id, compareAttribution: [] });
    void get().loadAttribution();
  },
  setDimension(dimension) {
    set({ dimension });
    void get().loadAttribution();
  },
  setFilter(filter, drillLabel = null) {
    set({ filter, drillLabel });
    void get().reloadRows();
  },
  setSort(sort) {
    set({ sort });
    void get().reloadRows();
  },
  async loadAttribution() {
    const { campaignId, compareId, dimension } = get();
    try {
      const of = (id: string | null, by: DimensionWire) =>
        id ? api.invoke('reports/attribution', { campaignId: id, dimension: by }) : null;
      const [main, compare, latency, fireOffset] = await Promise.all([
        of(campaignId, dimension),
        of(compareId, dimension),
        of(campaignId, 'latency'),
        of(campaignId, 'fireOffset'),
      ]);
      set({
        attribution: main?.rows ?? [],
        compareAttribution: compare?.rows ?? [],
        distributions: { latency: latency?.rows ?? [], fireOffset: fireOffset?.rows ?? [] },
        error: null,
      });
    } catch (error) {
      set({ error: (error as Error).message });
    }
  },
  async loadHistory(targetId) {
    try {
      set({ history: await api.invoke('reports/open-history', { targetId }) });
    } catch {
      set({ history: null });
    }
  },
  async reloadRows() {
    set({ rows: [], total: 0 });
    await get().loadMoreRows();
  },
  async loadMoreRows() {
    const { campaignId, filter, sort, rows, loadingRows, total } = get();
    if (!campaignId || loadingRows || (rows.length > 0 && rows.length >= total)) return;
    set({ loadingRows: true });
    try {
      const page = await api.invoke('attempts/query', { campaignId, filter, sort, offset: rows.length, limit: PAGE });
      if (get().campaignId === campaignId) set({ rows: [...get().rows, ...page.rows], total: page.total });
    } catch (error) {
      set({ error: (error as Error).message });
    } finally {
      set({ loadingRows: false });
    }
  },
}));
