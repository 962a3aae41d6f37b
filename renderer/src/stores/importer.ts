// Whether the import dialog is open, and with which dropped files (the dialog keeps its own steps).
import { createStore } from 'zustand/vanilla';

export interface ImporterState {
  open: boolean;
  files: File[];
  show(files?: File[]): void;
  close(): void;
}

export function createImporterStore() {
  return createStore<ImporterState>()((set) => ({
    open: false,
    files: [],
    show: (files = []) => set({ open: true, files }),
    close: () => set({ open: false, files: [] }),
  }));
}
