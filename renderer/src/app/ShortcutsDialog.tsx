import { Dialog } from '../components/Dialog';
import { useShortcutList } from './shortcuts';

export function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  const list = useShortcutList();
  const groups = new Map<string, { keys: string; description: string }[]>();
  for (const s of list) {
    const rows = groups.get(s.group) ?? [];
    if (!rows.some((r) => r.keys === s.keys)) rows.push({ keys: s.keys, description: s.description });
    groups.set(s.group, rows);
  }
  return (
    <Dialog title="Keyboard shortcuts" onClose={onClose} testId="shortcuts-dialog">
      {[...groups].map(([group, rows]) => (
        <section key={group} className="shortcut-group">
          <h3>{group}</h3>
          <dl>
            {rows.map((r) => (
              <div key={r.keys} className="shortcut-row">
                <dt>
                  {r.keys.split(' ').map((k, i) => (
                    <kbd key={i}>{k}</kbd>
                  ))}
                </dt>
                <dd>{r.description}</dd>
              </div>
            ))}
          </dl>
        </section>
      ))}
    </Dialog>
  );
}
