// One extracted value as text: enum values as chips (a value outside the schema flagged), null muted.
import type { FieldSpec, JsonValue } from '../../api/contract';
import { Chip, NullValue } from '../../components/Badge';

export function FieldValue({ value, spec }: { value: JsonValue | undefined; spec?: FieldSpec }) {
  if (value === undefined) return <span className="null-value">missing</span>;
  if (value === null) return <NullValue />;
  if (spec?.type === 'enum' && typeof value === 'string') {
    const allowed = spec.values?.some((v) => v.value === value) ?? true;
    return allowed ? <Chip>{value}</Chip> : <Chip tone="warn" title="Not one of the schema's values">{value}</Chip>;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return <span className="muted">[]</span>;
    return (
      <span className="chips">
        {value.map((v, i) => (
          <Chip key={i}>{typeof v === 'string' ? v : JSON.stringify(v)}</Chip>
        ))}
      </span>
    );
  }
  if (typeof value === 'boolean' || typeof value === 'number') return <code className="field-literal">{String(value)}</code>;
  if (typeof value === 'object') return <code className="field-literal">{JSON.stringify(value)}</code>;
  return <span className="field-text">{value}</span>;
}
