// The layering of ARCHITECTURE.md is enforced by lint (eslint.config.js, rule casebook/layers).
// Each forbidden import is planted in a file of the layer it would break, at any depth of `../`,
// and must be refused; the imports each layer does need must pass.
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const eslint = new ESLint({ cwd: ROOT });

/** The layer rule's complaints about `code` as if it were the file at `file` (repo-relative). */
async function refusals(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${ROOT}${file}` });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'casebook/layers').map((m) => m.message);
}

const refused: [file: string, code: string, why: RegExp][] = [
  // The runtime: nothing from the app, no Electron, React, DOM stores or native modules.
  ['shared/src/api/x.ts', "import { createBackend } from '../../../electron/backend/service.js';", /electron\/ is another layer/],
  ['shared/src/rules/deep/er/x.ts', "export * from '../../../../../renderer/src/App';", /renderer\/ is another layer/],
  ['shared/src/x.ts', "const m = await import('../../electron/main/main.js');", /electron\/ is another layer/],
  ['shared/src/x.ts', "import { app } from 'electron';", /does not use electron/],
  ['shared/src/x.ts', "import Database from 'better-sqlite3';", /does not use better-sqlite3/],
  ['shared/src/x.ts', "import { useState } from 'react';", /does not use react/],
  ['shared/src/x.ts', "import { createRoot } from 'react-dom/client';", /does not use react-dom/],
  ['shared/src/x.ts', "import Store from 'electron-store';", /does not use electron-store/],
  ['shared/testkit/x.ts', "import { openWorkspace } from '../../electron/services/workspace/index.js';", /electron\/ is another layer/],
  // Backend services: plain Node, never Electron or React, never the shell or the window.
  ['electron/backend/x.ts', "import { app } from 'electron';", /does not use electron/],
  ['electron/backend/teach/x.ts', "import { safeStorage } from 'electron';", /does not use electron/],
  ['electron/services/workspace/x.ts', "const { app } = require('electron');", /does not use electron/],
  ['electron/backend/x.ts', "import { createElement } from 'react';", /does not use react/],
  ['electron/backend/x.ts', "import { gate } from '../main/gate.js';", /electron\/main\/ is another layer/],
  ['electron/backend/x.ts', "import { App } from '../../renderer/src/app/App';", /renderer\/ is another layer/],
  ['electron/web-host/x.ts', "import { BrowserWindow } from 'electron';", /does not use electron/],
  // The window: the typed API only; from shared/ only the contract, names, types and pure helpers.
  ['renderer/src/x.ts', "import { createBackend } from '../../electron/backend/service.js';", /electron\/ is another layer/],
  ['renderer/src/features/x/y.tsx', "import { ipcRenderer } from 'electron';", /does not use electron/],
  ['renderer/src/x.ts', "import { readFileSync } from 'node:fs';", /does not use fs/],
  ['renderer/src/x.ts', "import { createExtractor } from '../../shared/src/pipeline/extractor.js';", /takes only the contract/],
  ['renderer/src/x.ts', "import { loadRulebook } from '../../shared/src/rulebook/load.js';", /takes only the contract/],
  ['renderer/src/x.ts', "import { createOpenAIProvider } from '../../shared/src/providers/openai.js';", /takes only the contract/],
  // The sandboxed preload: Electron's bridge and the names, nothing else at run time.
  ['electron/preload/x.ts', "import { parseApiArgs } from '../../shared/src/api/contract.js';", /only the dependency-free names module/],
  ['electron/preload/x.ts', "import { createBackend } from '../backend/service.js';", /electron\/backend\/ is another layer/],
];

const allowed: [file: string, code: string][] = [
  ['shared/src/x.ts', "import { z } from 'zod';"],
  ['shared/testkit/x.ts', "import { createExtractor } from '../src/pipeline/extractor.js';"],
  ['electron/backend/x.ts', "import { createExtractor } from '../../shared/src/pipeline/extractor.js';\nimport Database from 'better-sqlite3';"],
  ['electron/main/x.ts', "import { app } from 'electron';\nimport { createIpcGate } from './gate.js';"],
  ['electron/preload/x.ts', "import { contextBridge } from 'electron';\nimport { API_METHOD_NAMES } from '../../shared/src/api/names.js';\nimport type { CasebookApi } from '../../shared/src/api/index.js';"],
  ['renderer/src/x.ts', "import { API_METHOD_NAMES } from '../../shared/src/api/names.js';\nimport { matchCondition } from '../../shared/src/rules/conditions.js';\nimport { normaliseText } from '../../shared/src/pipeline/normalise.js';"],
  ['renderer/src/x.ts', "import type { Extractor } from '../../shared/src/pipeline/extractor.js';"],
  ['renderer/src/x.test.tsx', "import { createBackend } from '../../electron/backend/service.js';\nimport { mkdtempSync } from 'node:fs';"],
  ['e2e/x.ts', "import { createBackend } from '../electron/backend/service.js';"],
];

describe('layers (lint rule casebook/layers)', () => {
  it.each(refused)('refuses in %s: %s', async (file, code, why) => {
    const found = await refusals(file, code);
    expect(found, `${file}: ${code}`).toHaveLength(1);
    expect(found[0]).toMatch(why);
  });

  it.each(allowed)('allows in %s: %s', async (file, code) => {
    expect(await refusals(file, code)).toEqual([]);
  });
});
