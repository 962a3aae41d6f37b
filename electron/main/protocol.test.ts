import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({}));

import { CONTENT_SECURITY_POLICY } from './csp.js';
import { createAppProtocolHandler, registerAppScheme, resolveRendererFile, serveRenderer } from './protocol.js';

let base: string;
let renderer: string;

beforeAll(() => {
  base = mkdtempSync(path.join(tmpdir(), 'casebook-protocol-'));
  renderer = path.join(base, 'renderer');
  mkdirSync(path.join(renderer, 'assets'), { recursive: true });
  writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>Casebook</title>');
  writeFileSync(path.join(renderer, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(path.join(base, 'secret.txt'), 'do not serve');
  symlinkSync(path.join(base, 'secret.txt'), path.join(renderer, 'assets', 'link.txt'));
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('app protocol', () => {
  it('registers casebook: as a standard, secure scheme', () => {
    const protocol = { registerSchemesAsPrivileged: vi.fn() };
    registerAppScheme(protocol);
    expect(protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      expect.objectContaining({ scheme: 'casebook', privileges: expect.objectContaining({ standard: true, secure: true }) }),
    ]);
  });

  it('serves files of the renderer folder, index.html at the root and for app routes', async () => {
    expect(await resolveRendererFile(renderer, 'casebook://app/assets/app.js')).toMatchObject({ status: 200, file: expect.stringMatching(/assets[/\\]app\.js$/) });
    expect(await resolveRendererFile(renderer, 'casebook://app/')).toMatchObject({ status: 200, file: expect.stringMatching(/index\.html$/) });
    expect(await resolveRendererFile(renderer, 'casebook://app/inbox')).toMatchObject({ status: 200, file: expect.stringMatching(/index\.html$/) });
    expect(await resolveRendererFile(renderer, 'casebook://app/assets/missing.js')).toMatchObject({ status: 404 });
  });

  it('refuses path traversal in every spelling', async () => {
    for (const url of [
      'casebook://app/..%2Fsecret.txt',
      'casebook://app/%2e%2e/secret.txt',
      'casebook://app/assets/..%2F..%2Fsecret.txt',
      'casebook://app/assets%2F..%2F..%2Fsecret.txt',
      'casebook://app/..%5Csecret.txt',
      'casebook://app/%00index.html',
      'casebook://app/C:%5Cwindows',
    ]) {
      const resolved = await resolveRendererFile(renderer, url);
      expect(resolved.status, url).not.toBe(200);
    }
    // WHATWG parsing already folds literal dot segments; the result must still stay inside.
    const folded = await resolveRendererFile(renderer, 'casebook://app/assets/../../secret.txt');
    expect(folded.status === 200 ? folded.file : '').not.toContain('secret');
  });

  it('refuses a symlink that leads outside the folder', async () => {
    expect(await resolveRendererFile(renderer, 'casebook://app/assets/link.txt')).toMatchObject({ status: 403 });
  });

  it('refuses other hosts, schemes and methods', async () => {
    expect((await resolveRendererFile(renderer, 'casebook://other/index.html')).status).toBe(403);
    expect((await resolveRendererFile(renderer, 'https://app/index.html')).status).toBe(403);
    expect((await resolveRendererFile(renderer, 'casebook://app/index.html', 'POST')).status).toBe(405);
  });

  it('answers with the CSP and the right content type', async () => {
    const handler = createAppProtocolHandler(renderer);
    const page = await handler(new Request('casebook://app/index.html'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toContain('Casebook');
    const script = await handler(new Request('casebook://app/assets/app.js'));
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    const refused = await handler(new Request('casebook://app/..%2Fsecret.txt'));
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await refused.text()).not.toContain('do not serve');
  });

  it('binds the handler to the casebook scheme', () => {
    const protocol = { handle: vi.fn() };
    serveRenderer(protocol, renderer);
    expect(protocol.handle).toHaveBeenCalledWith('casebook', expect.any(Function));
  });
});
