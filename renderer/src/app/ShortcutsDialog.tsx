// The `?` dialog: every key of the screen in use, from the table that binds them (shortcuts.tsx KEYS),
// grouped as the table groups them. Keys a focused control handles say where they work.
import { Dialog } from '../components/Dialog';
import { useNavigation } from '../stores';
import type { ScreenId } from '../stores/navigation';
import { keyLabels, keysOf, type KeyDef, type KeyId } from './shortcuts';

/** The dialog's sections for a screen: group name, then its rows in table order. */
export function shortcutGroups(screen: ScreenId | null): [string, (KeyDef & { id: KeyId })[]][] {
  const groups = new Map<string, (KeyDef & { id: KeyId })[]>();
  for (const row of keysOf(screen)) groups.set(row.group, [...(groups.get(row.group) ?? []), row]);
  return [...groups];
}

export function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  const screen = useNavigation((s) => s.screen);
  return (
    <Dialog title="Keyboard shortcuts" onClose={onClose} testId="shortcuts-dialog">
      {shortcutGroups(screen).map(([group, rows]) => (
        <section key={group} className="shortcut-group" data-testid={`shortcut-group-${group}`}>
          <h3>{group}</h3>
          <dl>
            {rows.map((r) => (
              <div key={r.id} className="shortcut-row" data-testid="shortcut-row" data-key-id={r.id}>
                <dt>
                  {keyLabels(r).map((label, i) => (
                    <span key={label}>
                      {i > 0 ? <span className="muted"> or </span> : null}
                      {label.split(' ').map((k, j) => (
                        <kbd key={j}>{k}</kbd>
                      ))}
                    </span>
                  ))}
                </dt>
                <dd>
                  {r.description}
                  {r.when ? <span className="muted"> ({r.when})</span> : null}
                </dd>
              </div>
            ))}
          </dl>
        </section>
      ))}
    </Dialog>
  );
}
