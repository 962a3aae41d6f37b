// Setup of every renderer test file.
import { cleanup } from '@testing-library/react';
import type * as OpenAIModule from 'openai';
import { afterEach, vi } from 'vitest';
import { closeBackends } from './backend';

// After each test: unmount what it rendered, then close the backends it opened (and what it started
// beside them). Here rather than in the helpers' modules, which the files share (isolate: false).
afterEach(async () => {
  cleanup();
  await closeBackends();
});

// The real backend runs in the test's own process, beside jsdom, so the OpenAI SDK sees `window` and
// `navigator` and takes itself for a browser, where it refuses to start without
// `dangerouslyAllowBrowser`. The backend never runs in a browser (Electron's utility process, the
// browser host's Node process): say so for it, and change nothing else.

vi.mock('openai', async (importOriginal) => {
  const actual = await importOriginal<typeof OpenAIModule>();
  class NodeOpenAI extends actual.OpenAI {
    constructor(options: ConstructorParameters<typeof actual.OpenAI>[0] = {}) {
      super({ ...options, dangerouslyAllowBrowser: true });
    }
  }
  return { ...actual, default: NodeOpenAI, OpenAI: NodeOpenAI };
});
