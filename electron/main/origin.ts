// The app's own origin (`casebook://app`) and the URL checks built on it. Node's WHATWG URL gives
// custom schemes an opaque origin ("null"), so origins are compared as scheme + host explicitly.

export const APP_SCHEME = 'casebook';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** `scheme://host[:port]` of a URL, or null when it does not parse or has no host. */
export function originOf(url: string): string | null {
  const parsed = parse(url);
  if (!parsed || !parsed.host) return null;
  return `${parsed.protocol}//${parsed.host}`.toLowerCase();
}

/** True when `url` belongs to `appOrigin` (same scheme and host; no credentials). */
export function isSameOrigin(url: string | null | undefined, appOrigin: string = APP_ORIGIN): boolean {
  if (typeof url !== 'string' || url.length === 0) return false;
  const parsed = parse(url);
  if (!parsed || parsed.username || parsed.password) return false;
  return originOf(url) === appOrigin.toLowerCase();
}

/**
 * The URL to hand to the operating system's browser, or null. Only absolute http(s) URLs with a
 * host and no embedded credentials qualify: `javascript:`, `file:`, `data:`, custom schemes and
 * anything that does not parse are refused.
 */
export function externalHttpUrl(url: string | null | undefined): string | null {
  if (typeof url !== 'string' || url.length > 8192) return null;
  const parsed = parse(url.trim());
  if (!parsed) return null;
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  if (!parsed.hostname || parsed.username || parsed.password) return null;
  return parsed.href;
}
