// Keyboard shortcuts: components register what they offer with useShortcut (so the `?` dialog always
// lists what works on the current screen), and one listener on the window dispatches key presses.
// A shortcut is a key (`j`, `?`, `/`) or a two-key sequence (`g i`). Shortcuts never fire while typing
// in a field or inside a dialog, or with Ctrl, Alt or Meta held (those belong to the menu and the browser).
import { createContext, useContext, useEffect, useRef, useSyncExternalStore, type ReactNode } from 'react';

export interface Shortcut {
  keys: string;
  description: string;
  group: string;
  run(): void;
}

export class ShortcutRegistry {
  private readonly entries = new Map<symbol, Shortcut>();
  private readonly subscribers = new Set<() => void>();
  private snapshot: Shortcut[] = [];
  private pending: { key: string; at: number } | null = null;

  register(shortcut: Shortcut): () => void {
    const id = Symbol(shortcut.keys);
    this.entries.set(id, shortcut);
    this.changed();
    return () => {
      this.entries.delete(id);
      this.changed();
    };
  }

  list = (): Shortcut[] => this.snapshot;

  subscribe = (fn: () => void): (() => void) => {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  };

  /** Handles one key press; true when a shortcut ran or a sequence started. */
  handle(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'altKey' | 'metaKey' | 'target' | 'timeStamp'>): boolean {
    if (event.ctrlKey || event.altKey || event.metaKey || isTyping(event.target) || modalOpen()) {
      this.pending = null;
      return false;
    }
    const key = event.key;
    const now = event.timeStamp || Date.now();
    const all = [...this.entries.values()];
    if (this.pending && now - this.pending.at < 1500) {
      const sequence = `${this.pending.key} ${key}`;
      this.pending = null;
      const hit = findLast(all, (s) => s.keys === sequence);
      if (hit) {
        hit.run();
        return true;
      }
    }
    this.pending = null;
    if (all.some((s) => s.keys.startsWith(`${key} `))) {
      this.pending = { key, at: now };
      return true;
    }
    const hit = findLast(all, (s) => s.keys === key);
    if (!hit) return false;
    hit.run();
    return true;
  }

  private changed() {
    this.snapshot = [...this.entries.values()];
    for (const fn of this.subscribers) fn();
  }
}

/** The most recently registered wins, so a screen can take over a key from the frame. */
function findLast(list: Shortcut[], test: (s: Shortcut) => boolean): Shortcut | undefined {
  for (let i = list.length - 1; i >= 0; i--) if (test(list[i]!)) return list[i];
  return undefined;
}

/** A modal dialog is open: its keys are its own, wherever the focus is. */
function modalOpen(): boolean {
  return typeof document !== 'undefined' && document.querySelector('[aria-modal="true"]') !== null;
}

function isTyping(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).closest !== 'function') return false;
  const el = target as HTMLElement;
  // Keys pressed in a dialog belong to the dialog (its own fields and pickers handle them).
  return el.isContentEditable || el.closest('input, textarea, select, [contenteditable="true"], [role="dialog"]') !== null;
}

const RegistryContext = createContext<ShortcutRegistry | null>(null);

export function ShortcutsProvider({ registry, children }: { registry: ShortcutRegistry; children: ReactNode }) {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented) return;
      if (registry.handle(event)) event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [registry]);
  return <RegistryContext.Provider value={registry}>{children}</RegistryContext.Provider>;
}

function useRegistry(): ShortcutRegistry {
  const registry = useContext(RegistryContext);
  if (!registry) throw new Error('useShortcut: no ShortcutsProvider above this component');
  return registry;
}

/** Offers a shortcut while the component is mounted (and `enabled`). */
export function useShortcut(keys: string, description: string, run: () => void, group = 'General', enabled = true): void {
  const registry = useRegistry();
  const runRef = useRef(run);
  useEffect(() => {
    runRef.current = run;
  });
  useEffect(() => {
    if (!enabled) return;
    return registry.register({ keys, description, group, run: () => runRef.current() });
  }, [registry, keys, description, group, enabled]);
}

export function useShortcutList(): Shortcut[] {
  const registry = useRegistry();
  return useSyncExternalStore(registry.subscribe, registry.list);
}
