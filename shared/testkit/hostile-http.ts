// Hostile HTTP for tests: raw bytes over a socket (no client library tidies them up) and
// fast-check arbitraries of request heads that browsers, scanners and attackers actually send.
// A server that meets these must answer (any status) or close the connection, and keep serving.
import fc from 'fast-check';
import net from 'node:net';

export interface RawReply {
  /** The status code of the first response line, or null when the server closed without one. */
  status: number | null;
  /** Everything the server sent (latin1), for assertions on headers and body. */
  text: string;
}

/**
 * Sends `bytes` on a fresh connection and collects what comes back until the server closes, or
 * until `idleMs` pass with nothing more (a keep-alive connection stays open after the answer).
 */
export function rawExchange(port: number, bytes: string | Uint8Array, idleMs = 300): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve({ status: m ? Number(m[1]) : null, text });
    };
    const idle = () => {
      clearTimeout(timer);
      timer = setTimeout(done, idleMs);
    };
    socket.on('connect', () => {
      socket.write(bytes);
      idle();
    });
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      idle();
    });
    socket.on('end', done);
    socket.on('close', done);
    socket.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' || err.code === 'EPIPE' ? done() : reject(err)));
  });
}

/** Request targets that have broken URL parsers: protocol-relative, absolute, IPv6 brackets, bad escapes. */
export const NASTY_TARGETS = [
  '//%5B',
  '//[',
  'http://[',
  'http://[::1',
  '//[::1]:x/',
  '//a:b@c/',
  'http://',
  'http:',
  '*',
  '%',
  '/%',
  '/%E0%A4%A',
  '/%00',
  '/\u0000',
  '/..%2f..%2f',
  '/api/%',
  '/api/..',
  '/api//getCounts',
  '/?%',
  '/#frag',
  ' /',
  '',
  'file:///etc/passwd',
  'javascript:alert(1)',
  '\\\\evil\\share',
  '/' + 'a'.repeat(9000),
];

const token = fc.stringMatching(/^[A-Za-z!#$%&'*+.^_`|~-]{1,12}$/);
const anyLine = fc.string({ unit: 'binary-ascii', maxLength: 200 }).map((s) => s.replace(/\r|\n/g, ''));

/** A request target: a nasty one, a random path, or random bytes. */
export const hostileTarget = fc.oneof(
  fc.constantFrom(...NASTY_TARGETS),
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.webPath().map((p) => `/${p}`),
  fc.stringMatching(/^\/[\x21-\x7e]{0,60}$/),
  anyLine,
);

/**
 * A whole request head (and maybe a body): any method, any target, an optional good Host header
 * (so the request passes the Host check and reaches the routing code), random headers, and
 * sometimes a Content-Length that lies.
 */
export function hostileRequest(port: number): fc.Arbitrary<string> {
  const header = fc.oneof(
    fc.tuple(token, anyLine).map(([k, v]) => `${k}: ${v}`),
    fc.constantFrom(
      `Host: 127.0.0.1:${port}`,
      'Host: [',
      'Origin: null',
      `Origin: http://127.0.0.1:${port}`,
      'Authorization: Bearer x',
      'Content-Type: application/json',
      'Content-Length: -1',
      'Content-Length: 99999999999999999999',
      'Transfer-Encoding: chunked',
      'Transfer-Encoding: chunked, identity',
      'Expect: 100-continue',
      'Connection: upgrade',
      'Upgrade: websocket',
    ),
    anyLine,
  );
  return fc
    .record({
      method: fc.oneof(fc.constantFrom('GET', 'POST', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'CONNECT', 'TRACE', 'PRI'), token, anyLine),
      target: hostileTarget,
      version: fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/9', '', 'http/1.1'),
      goodHost: fc.boolean(),
      headers: fc.array(header, { maxLength: 8 }),
      body: fc.option(fc.string({ maxLength: 300 }), { nil: undefined }),
      eol: fc.constantFrom('\r\n', '\n', '\r'),
    })
    .map(({ method, target, version, goodHost, headers, body, eol }) => {
      const lines = [`${method} ${target} ${version}`.trimEnd(), ...(goodHost ? [`Host: 127.0.0.1:${port}`] : []), ...headers];
      return `${lines.join(eol)}${eol}${eol}${body ?? ''}`;
    });
}
