// The window runs under a strict Content-Security-Policy: the page must not need inline scripts or styles.
import { describe, expect, it } from 'vitest';
import html from '../index.html?raw';
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'";

describe('renderer/index.html', () => {
  it('carries the strict CSP as a meta tag', () => {
    expect(html).toContain(`content="${CSP}"`);
  });
  it('has no inline script, no style element and no style attribute', () => {
    for (const [, attrs, body] of html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)) {
      expect(attrs).toMatch(/\bsrc=/);
      expect(body?.trim()).toBe('');
    }
    expect(html).not.toMatch(/<style[\s>]/i);
    expect(html).not.toMatch(/\sstyle=/i);
    expect(html).not.toMatch(/\son[a-z]+=/i);
  });
});
