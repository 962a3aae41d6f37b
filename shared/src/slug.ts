// A name as a file- and URL-safe slug: lower-case ASCII letters, digits and dashes. Shared by the
// runtime (rulebook ids), the backend (workspace files) and the window (where a file will go).

/** "Support triage" -> "support-triage"; accents dropped; at most `max` characters; `fallback` when nothing is left. */
export function slugify(name: string, max = 40, fallback = 'rulebook'): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/, '');
  return slug || fallback;
}
