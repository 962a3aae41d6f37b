// Short notices at the bottom of the window, some with an action (Undo after a delete).
import { createStore } from 'zustand/vanilla';

export interface Toast {
  id: number;
  message: string;
  tone?: 'info' | 'error';
  action?: { label: string; run: () => void | Promise<void> };
}

export interface ToastsState {
  toasts: Toast[];
  push(toast: Omit<Toast, 'id'>, ttlMs?: number): number;
  dismiss(id: number): void;
}

export const TOAST_MS = 10_000;

export function createToastsStore() {
  let counter = 0;
  return createStore<ToastsState>()((set, get) => ({
    toasts: [],
    push(toast, ttlMs = TOAST_MS) {
      const id = ++counter;
      set((s) => ({ toasts: [...s.toasts.slice(-3), { ...toast, id }] }));
      if (ttlMs > 0) setTimeout(() => get().dismiss(id), ttlMs);
      return id;
    },
    dismiss(id) {
      set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) }));
    },
  }));
}
