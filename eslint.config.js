import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The runtime is imported by production services: it must stay free of Electron, React, the DOM and native modules.
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: ['electron', 'electron-store', 'react', 'react-dom', 'better-sqlite3', 'zustand'],
        patterns: ['electron/*', 'react/*', 'react-dom/*', '../electron/*', '../renderer/*', '../../electron/*', '../../renderer/*'],
      }],
    },
  },
  {
    // The window: React hooks rules; it talks to the backend only through the typed API, and untrusted
    // text is never rendered as HTML.
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.flat.recommended.rules,
      'no-restricted-imports': ['error', {
        paths: ['electron', 'electron-store', 'better-sqlite3', 'fs', 'path', 'child_process'],
        patterns: ['node:*', 'electron/*', '../electron/*', '../../electron/*', '../../../electron/*'],
      }],
      'no-restricted-syntax': ['error',
        { selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']", message: 'Never render HTML: messages are untrusted. Render text.' },
        { selector: "MemberExpression[property.name=/^(innerHTML|outerHTML)$/]", message: 'Never write HTML into the DOM: messages are untrusted.' },
        { selector: "CallExpression[callee.property.name='insertAdjacentHTML']", message: 'Never write HTML into the DOM: messages are untrusted.' },
      ],
    },
  },
  {
    // Renderer tests run the real backend in the test process (vitest's jsdom environment is Node):
    // they may import it and Node's modules. The window's own code may not.
    files: ['renderer/**/*.test.{ts,tsx}', 'renderer/src/test/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { URL: 'readonly', console: 'readonly', process: 'readonly' } },
  },
);
