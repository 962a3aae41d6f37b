// Precedents › Export: the draft's precedents (message, output, rationale, tags) as JSON Lines or CSV.
import { useState } from 'react';
import type { ApiArgs } from '../../api/contract';
import { toFailure } from '../../api/errors';
import { useStores } from '../../stores';
import { saveFile } from './download';

export function ExportPrecedentsButton() {
  const { api, toasts } = useStores();
  const [busy, setBusy] = useState(false);
  async function run(format: ApiArgs<'exportPrecedents'>['format']) {
    setBusy(true);
    try {
      const file = await api.exportPrecedents({ format });
      saveFile(file);
      toasts.getState().push({ message: `Exported ${file.count.toLocaleString()} precedent${file.count === 1 ? '' : 's'} to ${file.name}.`, tone: 'info' });
    } catch (error) {
      toasts.getState().push({ message: `The export failed: ${toFailure(error).message}`, tone: 'error' });
    } finally {
      setBusy(false);
    }
  }
  return (
    <span className="form-actions" data-testid="export-precedents">
      <button type="button" className="button button-small" disabled={busy} data-testid="export-precedents-jsonl" onClick={() => void run('jsonl')}>
        Export precedents (JSON Lines)
      </button>
      <button type="button" className="button button-small" disabled={busy} data-testid="export-precedents-csv" onClick={() => void run('csv')}>
        CSV
      </button>
    </span>
  );
}
