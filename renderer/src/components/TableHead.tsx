// A table's header row: one column header per entry, each scoped to its column.
export type Column = string | { label?: string; title?: string; ariaLabel?: string };

export function TableHead({ columns }: { columns: readonly Column[] }) {
  return (
    <thead>
      <tr>
        {columns.map((c, i) => {
          const { label, title, ariaLabel } = typeof c === 'string' ? { label: c } : c;
          return (
            <th key={i} scope="col" title={title} aria-label={ariaLabel}>
              {label}
            </th>
          );
        })}
      </tr>
    </thead>
  );
}
