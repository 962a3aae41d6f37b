// The message open in the detail panel: the message, its latest extraction and the trace.
import { createStore } from 'zustand/vanilla';
import type { ApiFailure, CasebookApi, MessageDetail } from '../api/contract';
import { toFailure } from '../api/errors';

export interface MessageDetailState {
  id: string | null;
  detail: MessageDetail | null;
  loading: boolean;
  error: ApiFailure | null;
  open(id: string | null): Promise<void>;
  reload(): Promise<void>;
  /** Shows a detail the API just returned (after accept or correct) when it is the open message. */
  show(detail: MessageDetail): void;
}

export function createMessageDetailStore(api: CasebookApi) {
  return createStore<MessageDetailState>()((set, get) => ({
    id: null,
    detail: null,
    loading: false,
    error: null,
    async open(id) {
      if (id === null) {
        set({ id: null, detail: null, loading: false, error: null });
        return;
      }
      const keep = get().detail?.message.id === id ? get().detail : null;
      set({ id, detail: keep, loading: true, error: null });
      try {
        const detail = await api.getMessage({ id });
        if (get().id === id) set({ detail, loading: false });
      } catch (error) {
        if (get().id === id) set({ loading: false, error: toFailure(error) });
      }
    },
    async reload() {
      await get().open(get().id);
    },
    show(detail) {
      if (get().id === detail.message.id) set({ detail, loading: false, error: null });
    },
  }));
}
