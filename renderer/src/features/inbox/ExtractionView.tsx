// The extracted JSON: a read-only field list in schema order (enum values as chips, null as a muted
// "null", validation errors beside their field) and the raw JSON one tab away.
import { useState } from 'react';
import type { ExtractionRecord, ExtractionSchema, FieldSpec, JsonValue } from '../../api/contract';
import { Chip, NullValue, ValidityBadge } from '../../components/Badge';
import { EmptyState } from '../../components/States';
import { Tabs } from '../../components/Tabs';

export function ExtractionView({ extraction, schema }: { extraction: ExtractionRecord | null; schema: ExtractionSchema | null }) {
  const [tab, setTab] = useState('fields');
  if (!extraction) {
    return (
      <section className="extraction" data-testid="extraction-json" aria-label="Extraction">
        <EmptyState title="No extraction yet" testId="extraction-empty">
          This message has not been run through the extractor. Its JSON will show here once it has.
        </EmptyState>
      </section>
    );
  }
  return (
    <section className="extraction" data-testid="extraction-json" aria-label="Extraction">
      <header className="panel-header">
        <h2>Extraction</h2>
        <ValidityBadge valid={extraction.valid} />
        <span className="muted">rulebook v{extraction.rulebookVersion}</span>
      </header>
      <Tabs
        label="Extraction view"
        selected={tab}
        onSelect={setTab}
        tabs={[
          { id: 'fields', label: 'Fields', render: () => <FieldList extraction={extraction} schema={schema} /> },
          {
            id: 'raw',
            label: 'Raw JSON',
            render: () => (
              <pre className="code" data-testid="extraction-raw">
                {JSON.stringify(extraction.output, null, 2)}
              </pre>
            ),
          },
        ]}
      />
    </section>
  );
}

function FieldList({ extraction, schema }: { extraction: ExtractionRecord; schema: ExtractionSchema | null }) {
  const output = extraction.output;
  const specs = schema?.fields ?? [];
  const known = new Set(specs.map((f) => f.name));
  const extra = Object.keys(output).filter((k) => !known.has(k));
  const errorsFor = (name: string) => extraction.errors.filter((e) => e.path === `/${name}` || e.path.startsWith(`/${name}/`));
  const shown = new Set([...known, ...extra]);
  // Errors about the whole object, or a key that is not shown (for instance a missing required field not in the schema).
  const general = extraction.errors.filter((e) => !shown.has(e.path.split('/')[1] ?? ''));
  return (
    <div>
      {general.length > 0 ? (
        <ul className="field-errors" role="alert">
          {general.map((e, i) => (
            <li key={i}>
              {e.path ? <code>{e.path}</code> : null} {e.message}
            </li>
          ))}
        </ul>
      ) : null}
      <dl className="fields">
        {specs.map((spec) => (
          <Field key={spec.name} name={spec.name} spec={spec} value={output[spec.name]} errors={errorsFor(spec.name).map((e) => e.message)} />
        ))}
        {extra.map((name) => (
          <Field key={name} name={name} value={output[name]} errors={errorsFor(name).map((e) => e.message)} />
        ))}
      </dl>
    </div>
  );
}

function Field({ name, spec, value, errors }: { name: string; spec?: FieldSpec; value: JsonValue | undefined; errors: string[] }) {
  return (
    <div className={`field${errors.length ? ' has-error' : ''}`} data-testid={`extraction-field-${name}`}>
      <dt title={spec?.description}>
        {name}
        {spec ? <span className="field-type">{spec.type}</span> : <span className="field-type field-type-extra">not in schema</span>}
      </dt>
      <dd>
        <FieldValue value={value} spec={spec} />
        {errors.map((message, i) => (
          <div key={i} className="field-error">
            {message}
          </div>
        ))}
      </dd>
    </div>
  );
}

function FieldValue({ value, spec }: { value: JsonValue | undefined; spec?: FieldSpec }) {
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
