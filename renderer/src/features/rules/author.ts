// Who a rule is by, for its provenance. The window has no sign-in: a name set once in this browser
// (localStorage `casebook.author`), else a neutral one.
export function currentAuthor(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): string {
  try {
    return storage?.getItem('casebook.author')?.trim() || 'support lead';
  } catch {
    return 'support lead';
  }
}

export function newRuleId(hint: string): string {
  const slug = hint
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40);
  return `rule-${slug || 'new'}-${Date.now().toString(36)}`;
}
