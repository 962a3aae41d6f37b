// Builds the renderer (the React UI) into dist/renderer. The output has no inline scripts or styles, so
// it runs under the app's strict Content-Security-Policy, and uses relative URLs (`base: './'`) so it
// loads from Electron's custom protocol and from the browser host alike.
//
// `npm run dev:renderer` serves it with hot reload. Without CASEBOOK_HOST it runs on the in-memory mock
// API; with CASEBOOK_HOST=http://127.0.0.1:PORT it proxies /api to a running browser host (open the
// dev server with the host's `#token=...` fragment). `vite build --mode mock` builds the mock variant.
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

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

export default defineConfig(({ command, mode }) => {
  const host = process.env.CASEBOOK_HOST;
  const useMock = mode === 'mock' || (command === 'serve' && !host);
  return {
    root: 'renderer',
    base: './',
    plugins: [react(), relaxCspInDev()],
    define: { __CASEBOOK_MOCK__: JSON.stringify(useMock) },
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
      proxy: host
        ? {
            '/api': {
              target: host,
              changeOrigin: true,
              // The browser host refuses foreign Origins; present the host's own.
              configure: (proxy) => proxy.on('proxyReq', (req) => req.setHeader('origin', host)),
            },
          }
        : undefined,
    },
  };
});
