// The chart's numbers as a table (a bucket per row, a series per column), each cell a button that lists
// its traces as a click on the bar segment does: the keyboard's way into the chart. And, for the
// unknown-keys chart, the keys with their totals, each offering "Add as alias".
import type { TraceChart } from '../../../../../shared/src/api/records.js';
import { AddAliasButton } from './AddAliasButton';
import { bucketLabel, seriesName, seriesValues, type ChartMode } from './chartOption';

const pct = (share: number) => `${Math.round(share * 1000) / 10}%`;

export function ChartTable({ chart, mode, selected, onSegment }: { chart: TraceChart; mode: ChartMode; selected: { bucketIndex: number; seriesIndex: number | null } | null; onSegment: (bucketIndex: number, seriesIndex: number | null) => void }) {
  const isSelected = (b: number, s: number | null) => selected !== null && selected.bucketIndex === b && selected.seriesIndex === s;
  if (chart.metric === 'latency') {
    const latency = chart.latency ?? [];
    return (
      <div className="trace-table-scroll">
        <table className="table trace-chart-table" data-testid="trace-chart-table">
          <thead>
            <tr>
              <th scope="col">Bucket</th>
              <th scope="col">Traces</th>
              <th scope="col">p50 (ms)</th>
              <th scope="col">p95 (ms)</th>
            </tr>
          </thead>
          <tbody>
            {chart.buckets.map((t, b) => (
              <tr key={t}>
                <th scope="row">
                  <button type="button" className={`link-button${isSelected(b, null) ? ' is-active' : ''}`} data-testid="trace-cell" onClick={() => onSegment(b, null)}>
                    {bucketLabel(t, chart.bucket)}
                  </button>
                </th>
                <td>{(chart.totals[b] ?? 0).toLocaleString()}</td>
                <td>{latency[b]?.p50 ?? '—'}</td>
                <td>{latency[b]?.p95 ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );
  }
  const columns = chart.series.map((_, i) => ({ counts: seriesValues(chart, i, 'count'), shares: seriesValues(chart, i, 'share') }));
  return (
    <div className="trace-table-scroll">
      <table className="table trace-chart-table" data-testid="trace-chart-table">
        <thead>
          <tr>
            <th scope="col">Bucket</th>
            <th scope="col">Traces</th>
            {chart.series.map((s) => (
              <th scope="col" key={s.key} title={seriesName(chart, s)}>
                {seriesName(chart, s)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {chart.buckets.map((t, b) => (
            <tr key={t}>
              <th scope="row">{bucketLabel(t, chart.bucket)}</th>
              <td>{(chart.totals[b] ?? 0).toLocaleString()}</td>
              {columns.map((c, s) => {
                const count = c.counts[b] ?? 0;
                return (
                  <td key={s}>
                    {count > 0 ? (
                      <button
                        type="button"
                        className={`link-button${isSelected(b, s) ? ' is-active' : ''}`}
                        data-testid="trace-cell"
                        data-bucket={b}
                        data-series={s}
                        aria-label={`${seriesName(chart, chart.series[s]!)}, ${bucketLabel(t, chart.bucket)}: ${count} traces`}
                        onClick={() => onSegment(b, s)}
                      >
                        {mode === 'share' ? pct(c.shares[b] ?? 0) : count.toLocaleString()}
                      </button>
                    ) : (
                      <span className="muted">0</span>
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The unknown keys of the chart, most frequent first, each with its total and "Add as alias". */
export function UnknownKeyList({ chart }: { chart: TraceChart }) {
  const keys = chart.series
    .map((s) => ({ key: seriesName(chart, s), total: s.points.reduce((n, p) => n + p.count, 0) }))
    .sort((x, y) => y.total - x.total);
  if (keys.length === 0) return null;
  return (
    <section className="trace-unknown" aria-label="Keys outside the schema" data-testid="trace-unknown-keys">
      <h3>Keys outside the schema</h3>
      <ul>
        {keys.map((k) => (
          <li key={k.key} data-testid="trace-unknown-key" data-key={k.key}>
            <code>{k.key}</code> <span className="muted">in {k.total.toLocaleString()} traces</span>
            <AddAliasButton unknownKey={k.key} reruns={[{ label: 'Re-run all messages', selection: () => Promise.resolve({ all: true }), testId: 'drift-alias-rerun-all' }]} />
          </li>
        ))}
      </ul>
    </section>
  );
}
