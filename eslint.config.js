import js from '@eslint/js';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

// ---------------------------------------------------------------------------------------------
// The layers of ARCHITECTURE.md, enforced. Every import (static, dynamic, re-export, require) is
// resolved to the file or package it names, whatever the number of `../` it takes to get there,
// and checked against what the importing file's layer may use. electron/layers.test.ts plants a
// forbidden import of each kind and sees it refused.
// ---------------------------------------------------------------------------------------------
const ROOT = path.dirname(fileURLToPath(import.meta.url));

/** The layer a repository-relative path belongs to. */
function layerOf(rel) {
  if (rel.startsWith('shared/')) return rel.startsWith('shared/src/') ? 'runtime' : 'runtime-tools';
  if (rel.startsWith('electron/backend/') || rel.startsWith('electron/services/')) return 'backend';
  if (rel.startsWith('electron/web-host/')) return 'web-host';
  if (rel.startsWith('electron/preload/')) return 'preload';
  if (rel.startsWith('electron/')) return 'shell';
  if (rel.startsWith('renderer/')) return /\.test\.tsx?$/.test(rel) || rel.startsWith('renderer/src/test/') ? 'renderer-test' : 'renderer';
  return 'other';
}

const ELECTRON = ['electron', 'electron-store'];
const REACT = ['react', 'react-dom', 'zustand', '@tanstack/react-virtual'];
const NATIVE = ['better-sqlite3', 're2', '@duckdb/node-api'];
/** Packages each layer may not import (a package's subpaths included). */
const FORBIDDEN_PACKAGES = {
  runtime: [...ELECTRON, ...REACT, ...NATIVE, 'conf', 'postal-mime', 'papaparse'],
  'runtime-tools': [...ELECTRON, ...REACT, ...NATIVE],
  backend: [...ELECTRON, ...REACT],
  'web-host': [...ELECTRON, ...REACT],
  preload: [...REACT, ...NATIVE, 'electron-store'],
  shell: [...REACT],
  renderer: [...ELECTRON, ...NATIVE, 'conf', ...builtinModules.filter((m) => !m.startsWith('_'))],
};
/** Folders each layer may not import from. */
const FORBIDDEN_FOLDERS = {
  runtime: ['electron/', 'renderer/', 'e2e/'],
  'runtime-tools': ['electron/', 'renderer/', 'e2e/'],
  backend: ['renderer/', 'electron/main/', 'electron/preload/', 'e2e/'],
  'web-host': ['renderer/', 'electron/main/', 'electron/preload/', 'e2e/'],
  preload: ['renderer/', 'electron/backend/', 'electron/services/', 'electron/web-host/', 'e2e/'],
  shell: ['renderer/', 'e2e/'],
  renderer: ['electron/', 'e2e/'],
};
/**
 * What the window may take from shared/ at run time: the contract, its names and records, the
 * domain types, and pure helpers it shares with the pipeline. Type-only imports are free.
 */
const RENDERER_SHARED = [/^shared\/src\/api\//, /^shared\/src\/domain\.ts$/, /^shared\/src\/slug\.ts$/, /^shared\/src\/rules\//, /^shared\/src\/pipeline\/normalise\.ts$/];
/** What the sandboxed preload may take from shared/ at run time: only the dependency-free names. */
const PRELOAD_SHARED = [/^shared\/src\/api\/names\.ts$/];

function resolveTarget(fromFile, spec) {
  if (spec.startsWith('.')) {
    const abs = path.resolve(path.dirname(fromFile), spec);
    return { file: path.relative(ROOT, abs).split(path.sep).join('/').replace(/\.js$/, '.ts') };
  }
  if (spec.startsWith('node:')) return { pkg: spec.slice(5) };
  const parts = spec.split('/');
  return { pkg: spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0] };
}

const layersRule = {
  meta: { type: 'problem', messages: { refused: '{{layer}} code may not import {{what}}: {{why}} (see ARCHITECTURE.md)' }, schema: [] },
  create(context) {
    const filename = context.physicalFilename ?? context.filename;
    const rel = path.relative(ROOT, filename).split(path.sep).join('/');
    const layer = layerOf(rel);
    if (!(layer in FORBIDDEN_PACKAGES)) return {};
    // A test runs in Node beside its layer: it keeps the layer's boundaries but not the bundle's diet.
    const isTest = /\.test\.tsx?$/.test(rel);
    const check = (node, source, typeOnly) => {
      if (!source || typeof source.value !== 'string') return;
      const spec = source.value;
      const target = resolveTarget(filename, spec);
      const refuse = (why) => context.report({ node, messageId: 'refused', data: { layer, what: spec, why } });
      if (target.pkg !== undefined) {
        const bad = FORBIDDEN_PACKAGES[layer].find((p) => target.pkg === p || target.pkg.startsWith(`${p}/`));
        if (bad && !(typeOnly && layer === 'preload')) refuse(`the ${layer} layer does not use ${bad}`);
        return;
      }
      const file = target.file;
      const folder = FORBIDDEN_FOLDERS[layer].find((f) => file.startsWith(f));
      if (folder) return refuse(`${folder} is another layer`);
      if (typeOnly || isTest) return;
      if (layer === 'renderer' && file.startsWith('shared/') && !RENDERER_SHARED.some((re) => re.test(file))) {
        refuse('the window takes only the contract, the names, the domain types and pure helpers from shared/');
      }
      if (layer === 'preload' && file.startsWith('shared/') && !PRELOAD_SHARED.some((re) => re.test(file))) {
        refuse('the sandboxed preload takes only the dependency-free names module from shared/');
      }
    };
    const isTypeOnly = (node) => node.importKind === 'type' || node.exportKind === 'type' || (node.specifiers?.length > 0 && node.specifiers.every((s) => s.importKind === 'type' || s.exportKind === 'type'));
    return {
      ImportDeclaration: (node) => check(node, node.source, isTypeOnly(node)),
      ExportNamedDeclaration: (node) => check(node, node.source, isTypeOnly(node)),
      ExportAllDeclaration: (node) => check(node, node.source, node.exportKind === 'type'),
      ImportExpression: (node) => check(node, node.source, false),
      TSImportType: (node) => check(node, node.argument?.literal ?? node.argument, true),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments[0]?.type === 'Literal') check(node, node.arguments[0], false);
      },
    };
  },
};

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { casebook: { rules: { layers: layersRule } } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'casebook/layers': 'error',
    },
  },
  {
    // The window: React hooks rules; untrusted text is never rendered as HTML.
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.flat.recommended.rules,
      'no-restricted-syntax': ['error',
        { selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']", message: 'Never render HTML: messages are untrusted. Render text.' },
        { selector: "MemberExpression[property.name=/^(innerHTML|outerHTML)$/]", message: 'Never write HTML into the DOM: messages are untrusted.' },
        { selector: "CallExpression[callee.property.name='insertAdjacentHTML']", message: 'Never write HTML into the DOM: messages are untrusted.' },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { URL: 'readonly', console: 'readonly', process: 'readonly' } },
  },
);
