// The first rows as they would be imported, as text.
import type { ImportPreview } from '../../api/contract';
import { formatValue } from '../../components/format';

export function ImportPreviewTable({ rows }: { rows: ImportPreview['rows'] }) {
  if (rows.length === 0) return <p className="muted" data-testid="import-preview-empty">No row can be imported with these settings.</p>;
  const labelled = rows.some((r) => r.labels && Object.keys(r.labels).length > 0);
  return (
    <div className="import-preview-wrap">
      <table className="table import-preview" data-testid="import-preview-table">
        <thead>
          <tr>
            <th scope="col">Subject</th>
            <th scope="col">Sender</th>
            <th scope="col">Received</th>
            <th scope="col">Text</th>
            {labelled ? <th scope="col">Labels</th> : null}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i} data-testid="import-preview-row">
              <td>{r.subject ?? ''}</td>
              <td>{r.sender ?? ''}</td>
              <td>{r.receivedAt ?? ''}</td>
              <td className="import-preview-text">{r.text.length > 300 ? `${r.text.slice(0, 300)}…` : r.text}</td>
              {labelled ? (
                <td>
                  {Object.entries(r.labels ?? {})
                    .map(([k, v]) => `${k}: ${formatValue(v)}`)
                    .join(', ')}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
