// An enum field's values as a row of choices. With the picker focused, 1-9 choose the nth value
// (0 clears a nullable field); the keys are shown on the choices. The keys are the key table's
// (app/shortcuts.tsx: review.pick, review.clear), so the `?` dialog lists them.
import type { FieldSpec, JsonValue } from '../../api/contract';
import { keyMatches } from '../../app/shortcuts';

export function EnumPicker({ name, spec, value, onChange }: { name: string; spec: FieldSpec; value: JsonValue | undefined; onChange: (v: JsonValue) => void }) {
  const values = spec.values ?? [];
  return (
    <div
      role="radiogroup"
      aria-label={name}
      tabIndex={0}
      className="enum-picker"
      data-testid={`enum-picker-${name}`}
      data-field-focus=""
      onKeyDown={(e) => {
        if (keyMatches('review.pick', e)) {
          const choice = values[Number(e.key) - 1];
          if (!choice) return;
          e.preventDefault();
          onChange(choice.value);
        } else if (keyMatches('review.clear', e) && spec.nullable) {
          e.preventDefault();
          onChange(null);
        }
      }}
    >
      {values.map((v, i) => (
        <button
          key={v.value}
          type="button"
          role="radio"
          tabIndex={-1}
          aria-checked={value === v.value}
          aria-label={v.value}
          className="enum-choice"
          title={v.description ?? (i < 9 ? `${v.value} (${i + 1})` : v.value)}
          data-testid={`enum-option-${name}-${v.value}`}
          onClick={() => onChange(v.value)}
        >
          {i < 9 ? <span className="enum-key" aria-hidden="true">{i + 1}</span> : null}
          {v.value}
        </button>
      ))}
    </div>
  );
}
