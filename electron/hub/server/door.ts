// The hub's door, before any work, for both of its doors: the station API (`/hub/v1/`) and the
// console (`/console/`). One rule for Host, one for where a browser request comes from:
// - Host must be one of the hub's own names (421), so a DNS-rebinding page that sends its own name
//   gets nothing.
// - The station API answers stations, never web pages: any request a browser marks as coming from
//   a page (Origin, or Sec-Fetch-Site other than `none` for a GET typed into the address bar) is 403.
// - The console answers its own pages only: Origin, when sent, must be this very scheme://host:port;
//   without Origin, Sec-Fetch-Site must say same-origin (or none for a GET or HEAD). Tools send neither.
import type { IncomingHttpHeaders } from 'node:http';
import { parseHost } from '../../server/door.ts';

export interface HubDoorRefusal {
  status: 421 | 403;
  message: string;
}

function one(h: IncomingHttpHeaders, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

const WRONG_HOST = 'The hub answers only under its own address, not under another name.';

export function judgeHubRequest(
  door: 'station' | 'console',
  req: { method: string; headers: IncomingHttpHeaders },
  isOwnHost: (name: string, port: number) => boolean,
): HubDoorRefusal | null {
  const host = parseHost(one(req.headers, 'host'));
  if (!host || !isOwnHost(host.name, host.port)) return { status: 421, message: WRONG_HOST };
  const method = req.method.toUpperCase();
  const origin = one(req.headers, 'origin');
  const fetchSite = one(req.headers, 'sec-fetch-site')?.toLowerCase();
  const typedGet = fetchSite === 'none' && (method === 'GET' || method === 'HEAD');
  if (door === 'station') {
    if (origin !== undefined || (fetchSite !== undefined && !typedGet)) return { status: 403, message: 'The hub API answers stations, not web pages.' };
    return null;
  }
  const foreign = { status: 403 as const, message: 'Only the console’s own pages may use its calls; this request came from another site.' };
  if (origin !== undefined) {
    let same = false;
    try {
      const o = new URL(origin);
      const port = o.port ? Number(o.port) : o.protocol === 'https:' ? 443 : 80;
      same = (o.protocol === 'http:' || o.protocol === 'https:') && o.hostname.toLowerCase() === host.name && port === host.port;
    } catch {
      same = false;
    }
    return same ? null : foreign;
  }
  if (fetchSite !== undefined && fetchSite !== 'same-origin' && !typedGet) return foreign;
  return null;
}
