// JSON columns: written compactly, read back with the type the repository declares for them.

export function toJson(value: unknown): string {
  return JSON.stringify(value);
}

export function fromJson<T>(text: string): T;
export function fromJson<T>(text: string | null): T | null;
export function fromJson<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

/** Normalises a time to the stored form (`2026-03-02T08:40:18.000Z`); throws on an unparsable one. */
export function isoTime(value: string | Date, what = 'time'): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new TypeError(`invalid ${what}: ${JSON.stringify(value)}`);
  return date.toISOString();
}
