import { describe, expect, it } from 'vitest';
import { createMockApi } from './mock';
import { demoData } from './mockData';

describe('mock API', () => {
  it('pages with a cursor and filters like the backend', async () => {
    const api = createMockApi(demoData({ count: 1000 }));
    const first = await api.listMessages({ limit: 300 });
    expect(first.items).toHaveLength(300);
    expect(first.total).toBe(1000);
    const second = await api.listMessages({ limit: 300, cursor: first.nextCursor });
    expect(second.items[0]?.id).not.toBe(first.items[0]?.id);
    const invalid = await api.listMessages({ valid: false });
    expect(invalid.items.every((m) => m.valid === false)).toBe(true);
  });

  it("refuses what the contract's validators refuse", async () => {
    const api = createMockApi(demoData());
    await expect(api.listMessages({ limit: 10_000 })).rejects.toMatchObject({ failure: { code: 'bad_request' } });
    await expect(api.getMessage({ id: 'nope' })).rejects.toMatchObject({ failure: { code: 'not_found' } });
  });
});
