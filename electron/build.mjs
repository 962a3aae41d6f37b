// Bundles the Electron shell with esbuild into dist/electron/:
//   main.cjs     the main process           (electron/main/main.ts)
//   preload.cjs  the window's preload        (electron/preload/preload.ts) — one file, because a
//                sandboxed preload can only require('electron'), never a local module
//   utility.cjs  the backend utility process (electron/backend/utility-entry.ts)
//   trace-import-worker.cjs  a worker thread of trace imports (electron/backend/traces/import-worker.ts),
//                started by the utility process from its own folder (import-pool.ts looks for it there)
//   package.json name, productName and version, so `electron dist/electron` is the Casebook app
// better-sqlite3 stays external (a native addon, loaded from node_modules or via `nativeBinding`).
// Usage: node electron/build.mjs [--outdir <dir>]   (default dist/electron; --watch is not supported: rerun it)
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdirArg = process.argv.indexOf('--outdir');
const outdir = outdirArg === -1 ? path.join(root, 'dist', 'electron') : path.resolve(process.argv[outdirArg + 1] ?? '');
const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8'));

// CommonJS output has no import.meta; code that reads import.meta.url gets the bundle's own URL.
const importMetaShim = {
  banner: { js: "const __casebook_import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__casebook_import_meta_url' },
};

const common = {
  absWorkingDir: root,
  bundle: true,
  format: 'cjs',
  sourcemap: 'linked',
  logLevel: 'warning',
  metafile: true,
  legalComments: 'none',
};

const builds = [
  { ...common, ...importMetaShim, entryPoints: ['electron/main/main.ts'], outfile: path.join(outdir, 'main.cjs'), platform: 'node', target: 'node22', external: ['electron', 'better-sqlite3'] },
  { ...common, ...importMetaShim, entryPoints: ['electron/backend/utility-entry.ts'], outfile: path.join(outdir, 'utility.cjs'), platform: 'node', target: 'node22', external: ['electron', 'better-sqlite3'] },
  { ...common, ...importMetaShim, entryPoints: ['electron/backend/traces/import-worker.ts'], outfile: path.join(outdir, 'trace-import-worker.cjs'), platform: 'node', target: 'node22', external: ['electron', 'better-sqlite3'] },
  // The preload runs in a sandboxed renderer: browser platform, so a Node built-in import fails the build.
  { ...common, entryPoints: ['electron/preload/preload.ts'], outfile: path.join(outdir, 'preload.cjs'), platform: 'browser', target: 'chrome130', external: ['electron'] },
];

await mkdir(outdir, { recursive: true });
const results = await Promise.all(builds.map((options) => build(options)));

// The preload may import nothing at runtime but `electron`.
const preloadMeta = results[3].metafile;
for (const output of Object.values(preloadMeta.outputs)) {
  for (const imported of output.imports) {
    if (imported.external && imported.path !== 'electron') {
      throw new Error(`the preload bundle imports "${imported.path}"; a sandboxed preload can only require electron`);
    }
  }
}

await writeFile(
  path.join(outdir, 'package.json'),
  `${JSON.stringify({ name: pkg.name, productName: 'Casebook', version: pkg.version, description: pkg.description, main: 'main.cjs', type: 'commonjs', private: true }, null, 2)}\n`,
);

const sizes = results.map((r) => Object.entries(r.metafile.outputs).filter(([file]) => file.endsWith('.cjs')).map(([file, o]) => `${path.basename(file)} ${(o.bytes / 1024).toFixed(0)} kB`)).flat();
console.log(`built dist/electron: ${sizes.join(', ')}`);
