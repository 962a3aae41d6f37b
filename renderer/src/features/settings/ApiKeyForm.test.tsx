// @vitest-environment jsdom
// Where the key form says the key is kept, by host: Electron encrypts it; the browser host keeps it in
// memory only (screens.test.tsx covers the browser host's whole Settings screen).
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { createStores, StoresProvider } from '../../stores';
import { startBackend } from '../../test/backend';
import { ApiKeyForm } from './ApiKeyForm';

describe('API key form', () => {
  it.each([
    ['electron', "kept encrypted with this computer's keychain"],
    ['web', "kept in this host's memory only"],
  ] as const)('on the %s host, says the key is %s', async (host, where) => {
    const { api } = await startBackend();
    render(
      <StoresProvider stores={createStores(api)}>
        <ApiKeyForm hasApiKey host={host} />
      </StoresProvider>,
    );
    const status = screen.getByTestId('api-key-status').textContent ?? '';
    expect(status).toContain(where);
    if (host === 'web') expect(status).not.toContain('encrypted');
  });
});
