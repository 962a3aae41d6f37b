// @vitest-environment jsdom
import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderApp } from '../../test/render';

describe('History on the real backend', () => {
  it('runs the gate and publishes v1 of the demo draft', async () => {
    const { user } = await renderApp({ screen: 'history' });
    await screen.findByTestId('draft-hash');
    await user.click(screen.getByTestId('publish-open'));
    await screen.findByTestId('gate-done', {}, { timeout: 30_000 });
    const publish = screen.getByTestId('publish-confirm') as HTMLButtonElement;
    if (publish.disabled) {
      await user.click(screen.getByTestId('publish-anyway'));
      await user.type(screen.getByTestId('publish-reason'), 'demo precedents the embedded provider misses');
    }
    await user.click(publish);
    await waitFor(() => expect(screen.queryByTestId('publish-dialog')).toBeNull(), { timeout: 10_000 });
    expect((await screen.findByTestId('version-row')).getAttribute('data-version')).toBe('1');
    await waitFor(() => expect(screen.getByTestId('draft-publish-state').textContent).toBe('the same as v1'));
  }, 60_000);
});
