import { describe, expect, it } from 'vitest';
import { API_METHODS, ApiError, parseApiArgs } from './contract.js';

describe('the API contract', () => {
  it('parses good arguments and fills defaults', () => {
    // No sort by default: the queue is ordered by confidence, everything else newest first (the handler decides).
    expect(parseApiArgs('listMessages', {})).toEqual({ limit: 100 });
    expect(parseApiArgs('getMessage', { id: 'm1' })).toEqual({ id: 'm1' });
    expect(parseApiArgs('getAppInfo', undefined)).toEqual({});
  });

  it('refuses unknown methods, unknown keys, wrong types and out-of-range values, naming the argument', () => {
    const fail = (m: string, a: unknown) => {
      try {
        parseApiArgs(m, a);
      } catch (e) {
        return (e as ApiError).failure;
      }
      throw new Error('expected a refusal');
    };
    expect(fail('deleteEverything', {}).message).toBe('unknown API method "deleteEverything"');
    expect(fail('__proto__', {}).code).toBe('bad_request');
    expect(fail('getMessage', { id: 42 }).issues?.[0]?.path).toBe('id');
    expect(fail('getMessage', { id: 'm', extra: 1 }).message).toMatch(/Unrecognized key/i);
    expect(fail('listMessages', { limit: 100000 }).issues?.[0]?.path).toBe('limit');
    expect(fail('listMessages', { status: 'deleted' }).issues?.[0]?.path).toBe('status');
    expect(fail('updateSettings', { baseURL: 'javascript:alert(1)' }).issues?.[0]?.path).toBe('baseURL');
    expect(fail('getMessage', 'm1').code).toBe('bad_request');
  });

  it('lists every method once', () => {
    expect(new Set(API_METHODS).size).toBe(API_METHODS.length);
    expect(API_METHODS).toContain('listMessages');
  });
});

describe('parseApiArgs on hostile input', () => {
  it('refuses arguments nested past MAX_JSON_DEPTH as bad_request, naming where (no stack overflow)', () => {
    let output: unknown = 'x';
    for (let i = 0; i < 5000; i++) output = { a: output };
    let caught: unknown;
    try {
      parseApiArgs('correctExtraction', { messageId: 'm1', output: { name: output } });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ApiError);
    const failure = (caught as ApiError).failure;
    expect(failure.code).toBe('bad_request');
    expect(failure.issues?.[0]?.path).toMatch(/^output\.name\.a\.a/);
  });

  it('refuses a __proto__ key, which validators would drop without a word', () => {
    const raw = JSON.parse('{"messageId":"m1","output":{"__proto__":"x","name":null}}') as unknown;
    expect(() => parseApiArgs('correctExtraction', raw)).toThrow(/output\.__proto__: a key named "__proto__" is not allowed/);
  });
});
