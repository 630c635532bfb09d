// The console's calls on the hub (`/console/api/…`): request schemas and answer shapes, shared by
// the hub (electron/hub/console) and, later, the console pages. Which role may make which call is
// one table: CONSOLE_CALLS.
import { z } from 'zod';
import type { HubClipFields } from './hubWire.ts';

export const CONSOLE_API = '/console/api';

export const CONSOLE_ROLES = ['admin', 'service', 'viewer'] as const;
export type ConsoleRole = (typeof CONSOLE_ROLES)[number];

export const SESSION_COOKIE = 'pw_console';

export type ConsoleCall = 'login' | 'logout' | 'logoutEverywhere' | 'me' | 'search' | 'clip' | 'media' | 'audit' | 'auditCsv';

/**
 * Who may make each call. `public`: without a session (only login). Admin runs the hub (users,
 * audit); customer service and viewers find and play clips (verify, export and holds, for customer
 * service only, come with those calls).
 */
export const CONSOLE_CALLS: Record<ConsoleCall, { method: 'GET' | 'POST'; path: string; roles: readonly ConsoleRole[] | 'public' }> = {
  login: { method: 'POST', path: '/login', roles: 'public' },
  logout: { method: 'POST', path: '/logout', roles: CONSOLE_ROLES },
  logoutEverywhere: { method: 'POST', path: '/logout-everywhere', roles: CONSOLE_ROLES },
  me: { method: 'GET', path: '/me', roles: CONSOLE_ROLES },
  search: { method: 'GET', path: '/clips', roles: ['service', 'viewer'] },
  clip: { method: 'GET', path: '/clips/:station/:clipId', roles: ['service', 'viewer'] },
  media: { method: 'GET', path: '/clips/:station/:clipId/media', roles: ['service', 'viewer'] },
  audit: { method: 'GET', path: '/audit', roles: ['admin'] },
  auditCsv: { method: 'GET', path: '/audit.csv', roles: ['admin'] },
};

export const LoginRequest = z.object({ name: z.string().min(1).max(200), password: z.string().min(1).max(1024) }).strict();
export type LoginRequest = z.infer<typeof LoginRequest>;

export interface ConsoleMe {
  name: string;
  role: ConsoleRole;
  calls: ConsoleCall[];
}

/** A clip as the console shows it (times epoch ms UTC). */
export interface ConsoleClip extends HubClipFields {
  stationName: string;
}

export interface ConsoleSearchAnswer {
  clips: ConsoleClip[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  next: string | null;
}

export type AuditAction = 'login' | 'search' | 'play' | 'verify' | 'export' | 'hold' | 'release' | 'user-add';

export interface AuditEntry {
  id: number;
  at: number;
  user: string;
  role: string | null;
  action: AuditAction | string;
  station: string | null;
  clipId: string | null;
  sha256: string | null;
  detail: string | null;
  address: string | null;
}
