// Keyboard shortcuts. Every key the window answers to is one row of KEYS below: what is pressed, what it
// does, the group and the screen it belongs to. The `?` dialog lists that table (for the screen in use),
// and the same table binds the keys, so a key cannot work without being listed:
// - window keys (scope 'window') are dispatched by one listener on the window; a component offers one
//   with useKey(id, run) while it is mounted, and the registry refuses any key that is not in the table;
// - keys a focused control handles itself (scope 'control': the digits of an enum picker, Ctrl+Enter in
//   the rationale) are matched with keyMatches(id, event), which takes only the table's ids.
// A key is one press (`j`, `?`, `Mod+z`: Ctrl, or Cmd on a mac) or a two-key sequence (`g i`). Window keys
// never fire while typing in a field or inside a dialog, nor with Alt held, nor with Ctrl/Cmd unless the
// table binds that combination (and then still not while typing: Ctrl+Z in a text box is the text's undo).
import { createContext, useContext, useEffect, useRef, useSyncExternalStore, type ReactNode } from 'react';
import type { ScreenId } from '../stores/navigation';

export interface KeyDef {
  /** What is pressed; alternatives do the same thing. `Mod+x` is Ctrl+X (Cmd+X on a mac); `g i` is a sequence. */
  keys: readonly string[];
  description: string;
  /** The dialog's section. */
  group: string;
  /** The screen it works on; null: every screen. */
  screen: ScreenId | null;
  /** 'window': dispatched by the registry; 'control': handled by the focused control, named by `when`. */
  scope: 'window' | 'control';
  /** For a control's key: when it works, as the dialog says it. */
  when?: string;
}

const DIGITS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;

export const KEYS = {
  help: { keys: ['?'], description: 'Show keyboard shortcuts', group: 'General', screen: null, scope: 'window' },
  'go.inbox': { keys: ['g i'], description: 'Go to Inbox', group: 'Navigation', screen: null, scope: 'window' },
  'go.rules': { keys: ['g r'], description: 'Go to Rules', group: 'Navigation', screen: null, scope: 'window' },
  'go.precedents': { keys: ['g p'], description: 'Go to Precedents', group: 'Navigation', screen: null, scope: 'window' },
  'go.rulebook': { keys: ['g b'], description: 'Go to Rulebook', group: 'Navigation', screen: null, scope: 'window' },
  'go.history': { keys: ['g h'], description: 'Go to History', group: 'Navigation', screen: null, scope: 'window' },
  'go.deployments': { keys: ['g y'], description: 'Go to Deployments', group: 'Navigation', screen: null, scope: 'window' },
  'go.drift': { keys: ['g d'], description: 'Go to Drift', group: 'Navigation', screen: null, scope: 'window' },
  'go.settings': { keys: ['g s'], description: 'Go to Settings', group: 'Navigation', screen: null, scope: 'window' },

  'inbox.next': { keys: ['j'], description: 'Next message', group: 'Inbox', screen: 'inbox', scope: 'window' },
  'inbox.previous': { keys: ['k'], description: 'Previous message', group: 'Inbox', screen: 'inbox', scope: 'window' },
  'inbox.close': { keys: ['Escape'], description: 'Close the message', group: 'Inbox', screen: 'inbox', scope: 'window' },
  'inbox.search': { keys: ['/'], description: 'Search messages', group: 'Inbox', screen: 'inbox', scope: 'window' },
  'inbox.import': { keys: ['i'], description: 'Import messages', group: 'Inbox', screen: 'inbox', scope: 'window' },
  'inbox.check': { keys: ['x'], description: 'Select the open message for a bulk re-run', group: 'Inbox', screen: 'inbox', scope: 'window' },

  'review.accept': { keys: ['a'], description: 'Accept the extraction', group: 'Review', screen: 'inbox', scope: 'window' },
  'review.edit': {
    keys: ['e'],
    description: 'Edit: focus the field last edited, else the first choice field',
    group: 'Review',
    screen: 'inbox',
    scope: 'window',
  },
  'review.rerun': { keys: ['r'], description: 'Re-run this message', group: 'Review', screen: 'inbox', scope: 'window' },
  'review.promote': { keys: ['p'], description: 'Promote to rule', group: 'Review', screen: 'inbox', scope: 'window' },
  'review.undo': {
    keys: ['u', 'Mod+z'],
    description: 'Undo the last accept, correction or rule change',
    group: 'Review',
    screen: 'inbox',
    scope: 'window',
  },
  'review.pick': {
    keys: DIGITS,
    description: 'Choose the nth value',
    group: 'Review',
    screen: 'inbox',
    scope: 'control',
    when: 'in a choice field (enum picker)',
  },
  'review.clear': { keys: ['0'], description: 'Clear to null (a nullable field)', group: 'Review', screen: 'inbox', scope: 'control', when: 'in a choice field (enum picker)' },
  'review.save': { keys: ['Mod+Enter'], description: 'Save the correction', group: 'Review', screen: 'inbox', scope: 'control', when: 'in the rationale' },
  'inbox.leaveSearch': { keys: ['Escape'], description: 'Leave the search box', group: 'Inbox', screen: 'inbox', scope: 'control', when: 'in the search box' },

  'drift.next': { keys: ['j'], description: 'Next changed message', group: 'Drift', screen: 'drift', scope: 'window' },
  'drift.previous': { keys: ['k'], description: 'Previous changed message', group: 'Drift', screen: 'drift', scope: 'window' },
  'drift.close': { keys: ['Escape'], description: 'Close the message pair', group: 'Drift', screen: 'drift', scope: 'window' },
  'drift.move': {
    keys: ['ArrowDown', 'ArrowUp'],
    description: 'Next or previous changed message',
    group: 'Drift',
    screen: 'drift',
    scope: 'control',
    when: 'in the changed messages table',
  },
  'drift.open': { keys: ['Enter'], description: 'Open the message: both answers side by side', group: 'Drift', screen: 'drift', scope: 'control', when: 'in the changed messages table' },

  'rulebook.moveField': {
    keys: ['Alt+ArrowUp', 'Alt+ArrowDown'],
    description: 'Move the field up or down',
    group: 'Rulebook',
    screen: 'rulebook',
    scope: 'control',
    when: 'on a field card',
  },
  'rulebook.saveInstructions': { keys: ['Mod+Enter'], description: 'Save the instructions', group: 'Rulebook', screen: 'rulebook', scope: 'control', when: 'in the instructions' },
} as const satisfies Record<string, KeyDef>;

export type KeyId = keyof typeof KEYS;

const KEY_LIST: readonly (readonly [KeyId, KeyDef])[] = Object.entries(KEYS) as [KeyId, KeyDef][];

/** The table's rows for a screen (and every screen's), in table order. */
export function keysOf(screen: ScreenId | null): (KeyDef & { id: KeyId })[] {
  return KEY_LIST.filter(([, def]) => def.screen === null || def.screen === screen).map(([id, def]) => ({ id, ...def }));
}

/** The window key the table binds to `keys` (a legacy useShortcut's key string), if any. */
export function findWindowKey(keys: string, group?: string): KeyId | undefined {
  const hits = KEY_LIST.filter(([, def]) => def.scope === 'window' && def.keys.includes(keys));
  return (hits.find(([, def]) => def.group === group) ?? hits[0])?.[0];
}

export const isMac = (): boolean => typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

type Press = Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'altKey' | 'metaKey' | 'shiftKey'>;

/** A press as the table writes it: `a`, `?`, `Mod+z`, `Alt+ArrowUp`; null for a bare modifier or Ctrl on a mac (and Cmd elsewhere). */
export function pressName(event: Press, mac = isMac()): string | null {
  const key = event.key as string | undefined;
  if (!key || key === 'Control' || key === 'Meta' || key === 'Alt' || key === 'Shift') return null;
  const mod = mac ? event.metaKey : event.ctrlKey;
  const otherMod = mac ? event.ctrlKey : event.metaKey;
  if (otherMod) return null;
  // Ctrl+Z may come as `Z` with Caps Lock on; Ctrl+Shift+Z (redo) stays `Mod+Z`, which nothing binds.
  const base = key.length === 1 && (mod || event.altKey) && !event.shiftKey ? key.toLowerCase() : key;
  return `${mod ? 'Mod+' : ''}${event.altKey ? 'Alt+' : ''}${base}`;
}

/** Whether a key press is the table's key `id` (for keys a control handles itself). */
export function keyMatches(id: KeyId, event: Press): boolean {
  const name = pressName(event);
  return name !== null && (KEYS[id].keys as readonly string[]).includes(name);
}

/** How the dialog and the buttons write a key: `Ctrl+Z` (`⌘Z` on a mac), `1 – 9`. */
export function keyLabel(keys: string, mac = isMac()): string {
  return keys
    .split(' ')
    .map((k) => k.replace(/^Mod\+/, mac ? '⌘' : 'Ctrl+').replace(/^Alt\+/, mac ? '⌥' : 'Alt+').replace(/\+([a-z])$/, (_, c: string) => `+${c.toUpperCase()}`).replace(/^⌘([a-z])$/, (_, c: string) => `⌘${c.toUpperCase()}`).replace('ArrowUp', '↑').replace('ArrowDown', '↓'))
    .join(' ');
}

/** A row's keys as the dialog shows them: a run of digits as one range. */
export function keyLabels(def: Pick<KeyDef, 'keys'>, mac = isMac()): string[] {
  const keys = def.keys;
  if (keys.length > 2 && keys.every((k) => /^\d$/.test(k)) && keys.every((k, i) => i === 0 || Number(k) === Number(keys[i - 1]) + 1)) {
    return [`${keys[0]}–${keys[keys.length - 1]}`];
  }
  return keys.map((k) => keyLabel(k, mac));
}

export class UnlistedKeyError extends Error {
  constructor(keys: string) {
    super(`The key "${keys}" is not in the key table (renderer/src/app/shortcuts.tsx KEYS): add it there, and the ? dialog lists it.`);
    this.name = 'UnlistedKeyError';
  }
}

export interface Shortcut {
  id: KeyId;
  /** One of the row's keys (a registration binds them all). */
  keys: string;
  description: string;
  group: string;
  run(): void;
}

interface Binding {
  id: KeyId;
  run(): void;
}

export class ShortcutRegistry {
  private readonly entries = new Map<symbol, Binding>();
  private readonly subscribers = new Set<() => void>();
  private snapshot: Shortcut[] = [];
  private pending: { key: string; at: number } | null = null;

  /** Binds a window key of the table while the returned function is not called. Refuses a key that is not in the table. */
  register(binding: { id: KeyId; run(): void } | { keys: string; run(): void }): () => void {
    const id = 'id' in binding ? binding.id : findWindowKey(binding.keys);
    if (!id || !(id in KEYS)) throw new UnlistedKeyError('id' in binding ? String(binding.id) : binding.keys);
    const def: KeyDef = KEYS[id];
    if (def.scope !== 'window') throw new Error(`The key "${id}" is handled by its control (keyMatches), not by the window.`);
    const symbol = Symbol(id);
    this.entries.set(symbol, { id, run: binding.run });
    this.changed();
    return () => {
      this.entries.delete(symbol);
      this.changed();
    };
  }

  /** What is bound now, one entry per binding. */
  list = (): Shortcut[] => this.snapshot;

  subscribe = (fn: () => void): (() => void) => {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  };

  /** Handles one key press; true when a shortcut ran or a sequence started. */
  handle(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'altKey' | 'metaKey' | 'target' | 'timeStamp'> & { shiftKey?: boolean }): boolean {
    // (A KeyboardEvent's fields are getters on its prototype: read them, never spread the event.)
    const name = pressName({ key: event.key, ctrlKey: event.ctrlKey, altKey: event.altKey, metaKey: event.metaKey, shiftKey: event.shiftKey ?? false });
    if (name === null || event.altKey || isTyping(event.target) || modalOpen()) {
      this.pending = null;
      return false;
    }
    const now = event.timeStamp || Date.now();
    const all = [...this.entries.values()];
    const bound = (keys: string) => findLast(all, (b) => (KEYS[b.id].keys as readonly string[]).includes(keys));
    if (this.pending && now - this.pending.at < 1500) {
      const sequence = `${this.pending.key} ${name}`;
      this.pending = null;
      const hit = bound(sequence);
      if (hit) {
        hit.run();
        return true;
      }
    }
    this.pending = null;
    if (all.some((b) => KEYS[b.id].keys.some((k) => k.startsWith(`${name} `)))) {
      this.pending = { key: name, at: now };
      return true;
    }
    const hit = bound(name);
    if (!hit) return false;
    hit.run();
    return true;
  }

  private changed() {
    this.snapshot = [...this.entries.values()].map((b) => {
      const def: KeyDef = KEYS[b.id];
      return { id: b.id, keys: def.keys[0]!, description: def.description, group: def.group, run: b.run };
    });
    for (const fn of this.subscribers) fn();
  }
}

/** The most recently registered wins, so a screen can take over a key from the frame. */
function findLast<T>(list: T[], test: (s: T) => boolean): T | undefined {
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

/** Binds the table's window key `id` while the component is mounted (and `enabled`). */
export function useKey(id: KeyId, run: () => void, enabled = true): void {
  useBinding(id, run, enabled, null);
}

/**
 * The older form: binds `keys` if the table has it (the table's description and group are what the
 * dialog shows). A key not in the table is not bound, and says so on the console.
 */
export function useShortcut(keys: string, _description: string, run: () => void, group = 'General', enabled = true): void {
  useBinding(findWindowKey(keys, group) ?? null, run, enabled, keys);
}

/** Registers `run` under `id` (null: a key the table lacks, named by `keys`, refused aloud). */
function useBinding(id: KeyId | null, run: () => void, enabled: boolean, keys: string | null): void {
  const registry = useRegistry();
  const runRef = useRef(run);
  useEffect(() => {
    runRef.current = run;
  });
  useEffect(() => {
    if (!enabled) return;
    if (!id) {
      console.error(new UnlistedKeyError(keys ?? '').message);
      return;
    }
    return registry.register({ id, run: () => runRef.current() });
  }, [registry, id, keys, enabled]);
}

export function useShortcutList(): Shortcut[] {
  const registry = useRegistry();
  return useSyncExternalStore(registry.subscribe, registry.list);
}
