import { describe, expect, it } from 'vitest';
import { API_METHOD_NAMES, type ApiHandlers } from '../../shared/src/api/index.js';
import { joinHandlers } from './registry.js';

const stub = () => ({}) as never;
const groupOf = (...methods: string[]) => Object.fromEntries(methods.map((m) => [m, stub])) as Partial<ApiHandlers>;
const all = API_METHOD_NAMES as readonly string[];

describe('joinHandlers', () => {
  it('joins groups that together define every method once', () => {
    const table = joinHandlers(groupOf(...all.slice(0, 10)), groupOf(...all.slice(10)));
    expect(Object.keys(table).sort()).toEqual([...all].sort());
    expect(Object.isFrozen(table)).toBe(true);
  });

  it('refuses a method two groups define (a spread would let the later one win without a word)', () => {
    expect(() => joinHandlers(groupOf(...all), groupOf('getCounts'))).toThrow('the API method "getCounts" has two handlers');
  });

  it('refuses a method the contract does not have, and a method left out', () => {
    expect(() => joinHandlers(groupOf(...all, 'dropTables'))).toThrow('"dropTables" is not a method of the API contract');
    expect(() => joinHandlers(groupOf(...all.filter((m) => m !== 'startRun' && m !== 'getRun')))).toThrow('no handler for the API methods startRun, getRun');
  });

  it('does not compile when a method has no handler', () => {
    const core = {} as Pick<ApiHandlers, 'getAppInfo' | 'getCounts'>;
    const build = () => {
      // @ts-expect-error the other methods of the contract have no handler
      const handlers: ApiHandlers = joinHandlers(core);
      return handlers;
    };
    expect(build).toThrow(/no handler for the API methods/);
  });
});
