// Export: the messages of the current filter, or all, as JSON Lines or CSV, each with its answer of
// record (what the inbox shows). Imported into a workspace with the same schema ("Import as
// precedents", the suggested mapping as it is), the file gives back the same messages and answers.
import { useRef, useState } from 'react';
import type { ApiArgs } from '../../api/contract';
import { toFailure } from '../../api/errors';
import { useStores } from '../../stores';
import { saveFile } from './download';

type Selection = ApiArgs<'exportMessages'>['selection'];
type Format = ApiArgs<'exportMessages'>['format'];

export function ExportMenu({ selection, filtered, total }: { selection: Selection; filtered: boolean; total: number | null }) {
  const { api, toasts } = useStores();
  const menu = useRef<HTMLDetailsElement>(null);
  const [busy, setBusy] = useState(false);

  async function run(which: Selection, format: Format) {
    if (menu.current) menu.current.open = false;
    setBusy(true);
    try {
      const file = await api.exportMessages({ selection: which, format });
      saveFile(file);
      toasts.getState().push({ message: `Exported ${file.count.toLocaleString()} message${file.count === 1 ? '' : 's'} to ${file.name}.`, tone: 'info' });
    } catch (error) {
      toasts.getState().push({ message: `The export failed: ${toFailure(error).message}`, tone: 'error' });
    } finally {
      setBusy(false);
    }
  }

  const item = (testId: string, which: Selection, format: Format, label: string, disabled = false) => (
    <button type="button" role="menuitem" className="menu-item" disabled={busy || disabled} data-testid={testId} onClick={() => void run(which, format)}>
      {label}
    </button>
  );
  const count = filtered && total !== null ? ` (${total.toLocaleString()})` : '';
  return (
    <details ref={menu} className="menu" data-testid="export-menu">
      <summary className="button" aria-busy={busy}>
        {busy ? 'Exporting…' : 'Export…'}
      </summary>
      <div className="menu-items" role="menu">
        {item('export-filter-jsonl', selection, 'jsonl', `The current filter${count}, JSON Lines`, !filtered)}
        {item('export-filter-csv', selection, 'csv', `The current filter${count}, CSV`, !filtered)}
        {item('export-all-jsonl', { all: true }, 'jsonl', 'Every message, JSON Lines')}
        {item('export-all-csv', { all: true }, 'csv', 'Every message, CSV')}
      </div>
    </details>
  );
}
