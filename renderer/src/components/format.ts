// Formatting for display: dates with Intl, JSON values as short text.
import type { JsonValue } from '../api/contract';

const full = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const timeOnly = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayAndMonth = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const withYear = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' });

function parse(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** "5 Mar 2026, 14:02" */
export function formatDateTime(iso: string | null | undefined): string {
  const date = parse(iso);
  return date ? full.format(date) : '—';
}

/** For list rows: the time today, the day this year, the date otherwise. */
export function formatCompact(iso: string | null | undefined, now = new Date()): string {
  const date = parse(iso);
  if (!date) return '—';
  if (date.toDateString() === now.toDateString()) return timeOnly.format(date);
  if (date.getFullYear() === now.getFullYear()) return dayAndMonth.format(date);
  return withYear.format(date);
}

export function formatValue(value: JsonValue | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** "Priya Raman <priya@x.com>" -> "Priya Raman" */
export function senderName(sender: string | null): string {
  if (!sender) return 'Unknown sender';
  const match = /^\s*"?([^"<]+?)"?\s*<[^>]+>\s*$/.exec(sender);
  return match?.[1] ?? sender;
}
