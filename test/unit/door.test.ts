// The door rules every HTTP listener shares (electron/server/door.ts), as a table: which Host names
// a listener answers to, and which requests may change something or read the API and media.
import { describe, expect, it } from 'vitest';
import { doorRules, judgeRequest, parseHost, type DoorRequest } from '../../electron/server/door.ts';

const loop = doorRules('127.0.0.1', 5190);
const lan = doorRules('0.0.0.0', 5191, { addresses: () => ['192.168.1.20', '10.0.0.7'], hostname: 'packbench' });
const fixedAddr = doorRules('192.168.1.20', 8080);

type H = Record<string, string>;
const req = (method: string, pathname: string, headers: H): DoorRequest => ({ method, pathname, headers });
const status = (rules: ReturnType<typeof doorRules>, method: string, pathname: string, headers: H): number =>
  judgeRequest(req(method, pathname, headers), rules)?.status ?? 200;

describe('Host: a listener answers only under the names it is reached by', () => {
  it.each([
    [loop, '127.0.0.1:5190', 200],
    [loop, 'localhost:5190', 200],
    [loop, 'LOCALHOST:5190', 200],
    [loop, '[::1]:5190', 200],
    [loop, '127.0.0.1:5191', 421], // another port: not this listener
    [loop, '127.0.0.1', 421], // port 80 implied
    [loop, 'rebind.evil.example:5190', 421],
    [loop, '127.0.0.1.nip.io:5190', 421],
    [loop, 'localhost.evil.example:5190', 421],
    [loop, '192.168.1.20:5190', 421], // a loopback listener is never the LAN address
    [loop, '', 421],
    [loop, '127.0.0.1:5190, evil.example', 421],
    [loop, '127.0.0.1:5190@evil.example', 421],
    [loop, '127.0.0.1:99999', 421],
    [lan, '192.168.1.20:5191', 200],
    [lan, '10.0.0.7:5191', 200],
    [lan, '127.0.0.1:5191', 200], // 0.0.0.0 is reached over loopback too
    [lan, 'packbench:5191', 200],
    [lan, 'packbench.local:5191', 200],
    [lan, '192.168.1.21:5191', 421],
    [lan, 'rebind.evil.example:5191', 421],
    [lan, '192.168.1.20:5190', 421],
    [fixedAddr, '192.168.1.20:8080', 200],
    [fixedAddr, '127.0.0.1:8080', 421],
    [fixedAddr, 'evil.example:8080', 421],
  ])('%#: Host %s → %i', (rules, host, expected) => {
    const headers: H = host ? { host } : {};
    expect(status(rules, 'GET', '/', headers)).toBe(expected);
    expect(status(rules, 'GET', '/api/events', headers)).toBe(expected);
    expect(status(rules, 'GET', '/media/clips/abc', headers)).toBe(expected);
    expect(status(rules, 'POST', '/api/call/station.info', { ...headers, 'content-type': 'application/json' })).toBe(expected);
  });

  it('asks the LAN addresses again at each request (a new DHCP lease works at once)', () => {
    let addrs = ['192.168.1.20'];
    const rules = doorRules('0.0.0.0', 5191, { addresses: () => addrs, hostname: 'x' });
    expect(status(rules, 'GET', '/', { host: '192.168.1.55:5191' })).toBe(421);
    addrs = ['192.168.1.55'];
    expect(status(rules, 'GET', '/', { host: '192.168.1.55:5191' })).toBe(200);
  });

  it('parses Host headers strictly', () => {
    expect(parseHost('127.0.0.1:5190')).toEqual({ name: '127.0.0.1', port: 5190 });
    expect(parseHost('[::1]:80')).toEqual({ name: '[::1]', port: 80 });
    expect(parseHost('Example.ORG')).toEqual({ name: 'example.org', port: 80 });
    for (const bad of [undefined, '', ' ', 'a b:1', 'host:0', 'host:65536', 'host:', 'user@host:1', 'host:1/x', '::1:5190']) expect(parseHost(bad)).toBeNull();
  });
});

describe('Calls and chunks: only the station’s own pages (or a tool that is no browser)', () => {
  const own = { host: '127.0.0.1:5190' };
  const json = { 'content-type': 'application/json' };
  it.each([
    ['a tool (curl, the bench): no Origin, no Sec-Fetch-Site', { ...json }, 200],
    ['the station page', { ...json, origin: 'http://127.0.0.1:5190', 'sec-fetch-site': 'same-origin' }, 200],
    ['the station page, charset given', { 'content-type': 'application/json; charset=utf-8', origin: 'http://127.0.0.1:5190' }, 200],
    ['a page of another origin', { ...json, origin: 'http://evil.example' }, 403],
    ['the same host on another port (same site, other origin)', { ...json, origin: 'http://127.0.0.1:5191' }, 403],
    ['localhost vs 127.0.0.1', { ...json, origin: 'http://localhost:5190' }, 403],
    ['https on the same host and port', { ...json, origin: 'https://127.0.0.1:5190' }, 403],
    ['a sandboxed frame or a file:// page (Origin: null)', { ...json, origin: 'null' }, 403],
    ['a junk Origin', { ...json, origin: 'not a url' }, 403],
    ['no Origin but Sec-Fetch-Site cross-site', { ...json, 'sec-fetch-site': 'cross-site' }, 403],
    ['no Origin but Sec-Fetch-Site same-site', { ...json, 'sec-fetch-site': 'same-site' }, 403],
    ['no Origin, Sec-Fetch-Site none', { ...json, 'sec-fetch-site': 'none' }, 403],
    ['own Origin but text/plain (no-cors fetch, form)', { 'content-type': 'text/plain;charset=UTF-8', origin: 'http://127.0.0.1:5190' }, 415],
    ['a tool without a Content-Type', {}, 415],
    ['a form, urlencoded', { 'content-type': 'application/x-www-form-urlencoded' }, 415],
    ['a form, multipart', { 'content-type': 'multipart/form-data; boundary=x' }, 415],
    ['application/json hidden in a parameter', { 'content-type': 'text/plain; x=application/json' }, 415],
    ['application/jsonp', { 'content-type': 'application/jsonp' }, 415],
  ])('POST /api/call/settings.update from %s → %i', (_label, headers, expected) => {
    expect(status(loop, 'POST', '/api/call/settings.update', { ...own, ...headers })).toBe(expected);
  });

  it.each([
    [{}, 200],
    [{ origin: 'http://127.0.0.1:5190' }, 200],
    [{ origin: 'http://evil.example' }, 403],
    [{ 'sec-fetch-site': 'cross-site' }, 403],
  ])('PUT a chunk with %j → %i', (headers, expected) => {
    expect(status(loop, 'PUT', '/api/recordings/abc/chunks/0', { ...own, 'content-type': 'application/octet-stream', ...headers })).toBe(expected);
  });

  it('a CORS preflight from another site is refused, never approved', () => {
    expect(status(loop, 'OPTIONS', '/api/call/station.lanSet', { ...own, origin: 'http://evil.example', 'access-control-request-method': 'POST' })).toBe(403);
  });
});

describe('Reading the API, events and media: not from another site; the pages: from anywhere', () => {
  const own = { host: '127.0.0.1:5190' };
  it.each([
    ['/api/events', { 'sec-fetch-site': 'same-origin' }, 200],
    ['/api/events', {}, 200],
    ['/api/events', { 'sec-fetch-site': 'cross-site' }, 403],
    ['/api/events', { 'sec-fetch-site': 'same-site' }, 403],
    ['/api/events', { origin: 'http://evil.example' }, 403],
    ['/media/clips/abc', { 'sec-fetch-site': 'same-origin', 'sec-fetch-dest': 'video' }, 200],
    ['/media/clips/abc', { 'sec-fetch-site': 'none' }, 200], // typed into the address bar
    ['/media/clips/abc', { 'sec-fetch-site': 'cross-site', 'sec-fetch-dest': 'video' }, 403],
    ['/media/thumbs/abc', { 'sec-fetch-site': 'same-site', 'sec-fetch-dest': 'image' }, 403],
    ['/media/exports/j/x.zip', { 'sec-fetch-site': 'cross-site' }, 403],
    ['/', { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate' }, 200],
    ['/', { 'sec-fetch-site': 'none' }, 200],
    ['/assets/app.js', { 'sec-fetch-site': 'same-origin' }, 200],
  ])('GET %s with %j → %i', (pathname, headers, expected) => {
    expect(status(loop, 'GET', pathname, { ...own, ...headers })).toBe(expected);
  });
});
