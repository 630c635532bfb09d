// Which requests a listener of the station answers at all: the rules every HTTP door shares (the
// loopback listener, the LAN listener, and any later listener such as a hub). They run before the
// token check and before any work, and they are pure (request parts in, verdict out) so they are
// table-tested without sockets.
//
// Why these rules hold in every browser the station supports (Chromium, Chrome):
// - DNS rebinding points a foreign name at our address; the browser then sends that foreign name
//   as Host. Answering only the names this listener is really reached by (421 otherwise) leaves
//   such a page nothing to read: no page, no call, no event stream, no media.
// - A page of another origin can send "simple" requests without asking first: GET, HEAD, and POST
//   with text/plain, application/x-www-form-urlencoded or multipart/form-data (no-cors fetch,
//   forms, sendBeacon). Calls are accepted only as application/json and chunks only as PUT, both
//   of which a browser sends across origins only after a CORS preflight, and the station never
//   approves one (no Access-Control-* header is ever sent). Origin (or, without one,
//   Sec-Fetch-Site) is checked as well, so even a browser bug in one rule is not enough.
// - GETs change nothing, but the API's and the media's GETs (the event stream, clips, exports)
//   still refuse what a browser marks as coming from another site, so no foreign page embeds a
//   clip or holds the event stream open. The pages themselves may be opened from anywhere (a link,
//   a bookmark, the QR code); their CSP forbids framing and form posts.
// Tools that are not browsers (the CLI talks to the engine directly; curl, scripts) send neither
// Origin nor Sec-Fetch-Site and need only the right Host and Content-Type.
import os from 'node:os';

/** The parts of a request the rules look at (header names in lower case, as Node gives them). */
export interface DoorRequest {
  method: string;
  pathname: string;
  headers: Record<string, string | string[] | undefined>;
}

export type DoorRefusal = { status: 421 | 403 | 415; code: 'refused'; message: string };

export interface DoorRules {
  /** Port the listener is bound to (after listen: the real one, also for --port 0). */
  port: number;
  /** True for host names (lower case, IPv6 in brackets, no port) this listener answers to. */
  isOwnName(name: string): boolean;
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

function isWildcard(bindHost: string): boolean {
  return bindHost === '0.0.0.0' || bindHost === '::' || bindHost === '[::]' || bindHost === '';
}

/** The name as it appears in a Host header: lower case, IPv6 literals in brackets. */
function hostForm(name: string): string {
  const n = name.toLowerCase();
  return n.includes(':') && !n.startsWith('[') ? `[${n}]` : n;
}

/**
 * The names a listener bound to `bindHost` is reached by. Loopback: 127.0.0.1, localhost, [::1].
 * Every interface (0.0.0.0, the LAN listener): those, the LAN addresses it announces (asked again
 * at each request, so a new DHCP lease works at once) and this machine's own host name (with and
 * without .local), which no other site can serve pages under. Any other address: itself.
 */
export function doorRules(bindHost: string, port: number, opts: { addresses?: () => string[]; hostname?: string } = {}): DoorRules {
  const fixed = new Set<string>();
  const loopback = bindHost === 'localhost' || bindHost === '::1' || bindHost === '[::1]' || /^127\./.test(bindHost);
  const wildcard = isWildcard(bindHost);
  if (loopback || wildcard) for (const n of LOOPBACK_NAMES) fixed.add(n);
  if (!wildcard) fixed.add(hostForm(bindHost));
  if (wildcard) {
    const h = (opts.hostname ?? os.hostname()).toLowerCase();
    if (h && h !== 'localhost') {
      fixed.add(h);
      if (!h.endsWith('.local')) fixed.add(`${h}.local`);
    }
  }
  const addresses = wildcard ? opts.addresses : undefined;
  return {
    port,
    isOwnName: (name) => fixed.has(name) || (!!addresses && addresses().some((a) => hostForm(a) === name)),
  };
}

function header(req: DoorRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Host header → [name, port]; null when it is missing or malformed. */
export function parseHost(value: string | undefined): { name: string; port: number } | null {
  if (!value) return null;
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/i.exec(value.trim());
  if (!m) return null;
  const port = m[2] === undefined ? 80 : Number(m[2]);
  if (port < 1 || port > 65535) return null;
  return { name: m[1]!.toLowerCase(), port };
}

/** An Origin header → [scheme, name, port] in the same form as parseHost; null for "null" or junk. */
function parseOrigin(value: string): { scheme: string; name: string; port: number } | null {
  try {
    const u = new URL(value);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    const port = u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
    return { scheme: u.protocol, name: u.hostname.toLowerCase(), port };
  } catch {
    return null;
  }
}

const refuse = (status: DoorRefusal['status'], message: string): DoorRefusal => ({ status, code: 'refused', message });

/** Media type of a Content-Type header, without parameters, lower case. */
function mediaType(value: string | undefined): string {
  return (value ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * The verdict on one request: null = go on (token check, then the route), else the refusal to send.
 * The Host rule comes first and holds for every route; the others depend on what the request does.
 */
export function judgeRequest(req: DoorRequest, rules: DoorRules): DoorRefusal | null {
  const host = parseHost(header(req, 'host'));
  if (!host || host.port !== rules.port || !rules.isOwnName(host.name)) {
    return refuse(421, 'This station answers only under its own address (the one it printed or shows in Settings), not under another name.');
  }
  const method = req.method.toUpperCase();
  const origin = header(req, 'origin');
  const fetchSite = header(req, 'sec-fetch-site')?.toLowerCase();
  const sameOrigin = (): boolean => {
    if (origin !== undefined) {
      const o = parseOrigin(origin);
      return !!o && o.scheme === 'http:' && o.name === host.name && o.port === host.port;
    }
    // No Origin: a browser that still sends Sec-Fetch-Site must call it our own; a tool sends neither.
    return fetchSite === undefined || fetchSite === 'same-origin';
  };
  const api = req.pathname.startsWith('/api/');
  const media = req.pathname.startsWith('/media/');

  if (method === 'GET' || method === 'HEAD') {
    if (!api && !media) return null; // the pages and their assets: a link or a bookmark may open them
    const foreignOrigin = origin !== undefined && !sameOrigin();
    const foreignSite = fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none';
    if (foreignOrigin || foreignSite) return refuse(403, 'Only the station’s own pages may read its calls, events and media.');
    return null;
  }

  // Everything else changes something (or is a preflight, which the station never approves).
  if (!sameOrigin()) return refuse(403, 'Only the station’s own pages may change anything on it; this request came from another site.');
  if (api && req.pathname.startsWith('/api/call/') && method === 'POST' && mediaType(header(req, 'content-type')) !== 'application/json') {
    return refuse(415, 'Calls are accepted only with Content-Type: application/json.');
  }
  return null;
}
