// Builds the renderer (the React UI) into dist/renderer. The output has no inline scripts or styles, so
// it runs under the app's strict Content-Security-Policy, and uses relative URLs (`base: './'`) so it
// loads from Electron's custom protocol and from the browser host alike.
//
// `npm run dev:renderer` serves it with hot reload over the real backend: the dev server starts a
// backend and a browser host in this process (electron/web-host/dev.ts) on 127.0.0.1, over the demo
// workspace in a dev data directory (CASEBOOK_DEV_HOME, default ~/.casebook-dev), proxies /api to it,
// and prints the URL to open with the host's token in its fragment. With
// CASEBOOK_HOST=http://127.0.0.1:PORT it proxies /api to a browser host already running instead (open
// the dev server with that host's `#token=...`).
import { homedir } from 'node:os';
import { join } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin, type ProxyOptions, type ViteDevServer } from 'vite';
import type { DevHost, startDevHost as StartDevHost } from './electron/web-host/dev.js';

/** The dev server needs inline scripts and styles (React refresh, CSS hot reload); builds keep the strict policy. */
function relaxCspInDev(): Plugin {
  return {
    name: 'casebook-relax-csp-in-dev',
    apply: 'serve',
    transformIndexHtml(html) {
      return html
        .replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
        .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
        .replace("connect-src 'self'", "connect-src 'self' ws: wss:");
    },
  };
}

/** /api to a browser host at `origin`, presenting the host's own Origin (it refuses foreign ones). */
function proxyTo(origin: string): Record<string, ProxyOptions> {
  return {
    '/api': {
      target: origin,
      changeOrigin: true,
      configure: (proxy) => proxy.on('proxyReq', (req) => req.setHeader('origin', origin)),
    },
  };
}

const DEV_HOST = Symbol.for('casebook.devHost');
type DevHostGlobal = typeof globalThis & { [DEV_HOST]?: Promise<DevHost> };

/**
 * One backend per dev server process: Vite restarts the server (and reloads this file) when the
 * config changes, and a second backend must not open the same workspace beside the first.
 */
function devHost(): Promise<DevHost> {
  const g = globalThis as DevHostGlobal;
  g[DEV_HOST] ??= (async () => {
    // Loaded as `npm run web` loads the host (tsx), not bundled into this config.
    const { tsImport } = await import('tsx/esm/api');
    const { startDevHost } = (await tsImport('./electron/web-host/dev.ts', import.meta.url)) as { startDevHost: typeof StartDevHost };
    const host = await startDevHost({ dataDir: process.env.CASEBOOK_DEV_HOME ?? join(homedir(), '.casebook-dev'), log: (line) => console.error(line) });
    const stop = () => void host.close().finally(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return host;
  })();
  return g[DEV_HOST];
}

/** `vite` (serve) without CASEBOOK_HOST: a real backend behind /api, and the URL to open with its token. */
function realBackendInDev(): Plugin {
  let host: DevHost | null = null;
  return {
    name: 'casebook-real-backend-in-dev',
    apply: (_config, { command, isPreview }) => command === 'serve' && !isPreview && !process.env.CASEBOOK_HOST,
    async config() {
      host = await devHost();
      return { server: { proxy: proxyTo(host.origin) } };
    },
    configureServer(server: ViteDevServer) {
      const printUrls = server.printUrls.bind(server);
      server.printUrls = () => {
        printUrls();
        if (!host) return;
        for (const url of server.resolvedUrls?.local ?? []) server.config.logger.info(`  ➜  Casebook: open ${url}#token=${host.token}`);
        server.config.logger.info(`     workspace: ${host.workspacePath}`);
      };
    },
  };
}

export default defineConfig(() => {
  const host = process.env.CASEBOOK_HOST;
  return {
    root: 'renderer',
    base: './',
    plugins: [react(), relaxCspInDev(), realBackendInDev()],
    build: {
      outDir: '../dist/renderer',
      emptyOutDir: true,
      // Nothing inlined as data: URIs (fonts would be refused by the CSP); small assets stay files.
      assetsInlineLimit: 0,
      sourcemap: true,
      target: 'chrome130',
    },
    server: {
      host: '127.0.0.1',
      proxy: host ? proxyTo(host) : undefined,
    },
  };
});
