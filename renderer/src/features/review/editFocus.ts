// Where Edit (`e`) puts the focus: on the field the person is most likely to change. That is the field
// they last edited (in this message or an earlier one this session), else the first choice (enum)
// field, else the first field. Digits pick a choice only while a choice field has the focus, so `e`
// then `4` changes a category and never types into a name.

export interface FieldOnForm {
  name: string;
  /** The schema's type; undefined for a field outside the schema. */
  type?: string;
}

export function editTarget(fields: readonly FieldOnForm[], lastEdited: string | null): string | null {
  if (lastEdited !== null && fields.some((f) => f.name === lastEdited)) return lastEdited;
  return fields.find((f) => f.type === 'enum')?.name ?? fields[0]?.name ?? null;
}

/** The fields whose value differs between two drafts (what an edit changed). */
export function editedFields(before: Record<string, unknown> | undefined, after: Record<string, unknown>): string[] {
  const names = new Set([...Object.keys(before ?? {}), ...Object.keys(after)]);
  return [...names].filter((n) => JSON.stringify(before?.[n]) !== JSON.stringify(after[n]));
}
