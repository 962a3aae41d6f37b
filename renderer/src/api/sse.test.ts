import { describe, expect, it } from 'vitest';
import { SseParser } from './sse';

describe('SseParser', () => {
  it('parses events, joins multi-line data, ignores comments and normalises CRLF', () => {
    const p = new SseParser();
    expect(p.push(': keep-alive\r\n\r\nevent: runProgress\r\ndata: {"done":1,\r\n')).toEqual([]);
    expect(p.push('data: "total":2}\r\n\r\ndata: plain\n\n')).toEqual([
      { event: 'runProgress', data: '{"done":1,\n"total":2}' },
      { event: 'message', data: 'plain' },
    ]);
  });
});
