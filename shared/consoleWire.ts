// The console's calls on the hub (`/console/api/…`): request schemas and answer shapes, shared by
// the hub (electron/hub/console) and, later, the console pages. Which role may make which call is
// one table: CONSOLE_CALLS.
import { z } from 'zod';
import type { HubClipFields } from './hubWire.ts';
import type { VerifyAnswer } from './contract/evidence.ts';

export const CONSOLE_API = '/console/api';

export const CONSOLE_ROLES = ['admin', 'service', 'viewer'] as const;
export type ConsoleRole = (typeof CONSOLE_ROLES)[number];

export const SESSION_COOKIE = 'pw_console';

export type ConsoleCall =
  | 'login'
  | 'logout'
  | 'logoutEverywhere'
  | 'me'
  | 'search'
  | 'clip'
  | 'media'
  | 'audit'
  | 'auditCsv'
  | 'verify'
  | 'hold'
  | 'exportStart'
  | 'exportStatus'
  | 'exportCancel'
  | 'exportZip'
  | 'exportPresets'
  | 'thumb'
  | 'users'
  | 'userAdd'
  | 'userRemove'
  | 'userLogout'
  | 'enrollCode'
  | 'stations';

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
  // Verify and legal hold: admin and customer service, never a viewer (electron/hub/console/{verify,hold}.ts).
  verify: { method: 'POST', path: '/clips/:station/:clipId/verify', roles: ['admin', 'service'] },
  hold: { method: 'POST', path: '/clips/:station/:clipId/hold', roles: ['admin', 'service'] },
  // Export on the hub (electron/hub/console/export.ts): start, follow, cancel, download the ZIP.
  exportStart: { method: 'POST', path: '/clips/:station/:clipId/export', roles: ['admin', 'service'] },
  exportStatus: { method: 'GET', path: '/exports/:id', roles: ['admin', 'service'] },
  exportCancel: { method: 'POST', path: '/exports/:id/cancel', roles: ['admin', 'service'] },
  exportZip: { method: 'GET', path: '/exports/:id/zip', roles: ['admin', 'service'] },
  exportPresets: { method: 'GET', path: '/export-presets', roles: ['admin', 'service'] },
  thumb: { method: 'GET', path: '/clips/:station/:clipId/thumb', roles: ['service', 'viewer'] },
  users: { method: 'GET', path: '/admin/users', roles: ['admin'] },
  userAdd: { method: 'POST', path: '/admin/users/add', roles: ['admin'] },
  userRemove: { method: 'POST', path: '/admin/users/remove', roles: ['admin'] },
  userLogout: { method: 'POST', path: '/admin/users/logout', roles: ['admin'] },
  enrollCode: { method: 'POST', path: '/admin/enroll-code', roles: ['admin'] },
  stations: { method: 'GET', path: '/admin/stations', roles: ['admin'] },
};

/** The status filters of find, each also shown as a tag on a result (meanings: electron/hub/console/find.ts). */
export const CLIP_TAGS = ['ok', 'interrupted', 'recovered', 'held', 'late', 'hole'] as const;
export type ClipTag = (typeof CLIP_TAGS)[number];

/** Admin: a new console user (the page asks for the password twice; the hub checks its length). */
export const UserAddRequest = z.object({ name: z.string().min(1).max(64), role: z.enum(CONSOLE_ROLES), password: z.string().min(1).max(1024) }).strict();
export type UserAddRequest = z.infer<typeof UserAddRequest>;
export const UserNameRequest = z.object({ name: z.string().min(1).max(64) }).strict();
export type UserNameRequest = z.infer<typeof UserNameRequest>;

export interface ConsoleUserRow {
  name: string;
  role: ConsoleRole;
  createdAt: number;
  /** Sessions open now (devices signed in). */
  sessions: number;
}

export interface EnrollCodeAnswer {
  code: string;
  expiresAt: number;
  /** The code as a QR code (SVG), for a station's camera or a phone. */
  qrSvg: string;
}

/** A station as the admin page shows it (times epoch ms; null: never). */
export interface ConsoleStation {
  fingerprint: string;
  name: string;
  enrolledAt: number;
  /** When the hub last received a clip from it. */
  lastSeen: number | null;
  clips: number;
  chainEntries: number;
  /** Time of its newest anchor entry: when its chain head was last timestamped by a TSA. */
  anchorAt: number | null;
  anchorSeq: number | null;
}

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
  /** The clip's legal hold as set on the hub (the newest set or release); absent or null: never held. */
  hold?: ConsoleHold | null;
  /** Status tags (find's filters); absent where a call does not compute them. */
  tags?: ClipTag[];
  /** A thumbnail is made (GET …/thumb). */
  thumb?: boolean;
  /** No thumbnail can be made: the hub tried a few times and gave up, for this reason. */
  thumbFailed?: string;
}

/** A legal hold set (held) or released on the hub. */
export interface ConsoleHold {
  held: boolean;
  reason: string | null;
  at: number;
  by: string | null;
}

/** Sets (held: true) or releases a clip's legal hold; the reason is required both ways. */
export const HoldRequest = z.object({ held: z.boolean(), reason: z.string().trim().min(1).max(500) }).strict();
export type HoldRequest = z.infer<typeof HoldRequest>;

export interface ConsoleHoldAnswer {
  hold: ConsoleHold;
  /** The store's Object Lock legal hold: set, lifted, unsupported (no Object Lock), or why it failed. */
  objectLock: 'set' | 'lifted' | 'unsupported' | { failed: string };
}

/** Starts an export of one clip on the hub: a preset, for presets that allow both video or stills, and custom's limits. */
export const ExportStartRequest = z
  .object({
    preset: z.string().min(1).max(40),
    form: z.enum(['video', 'stills']).nullable().optional(),
    // The custom preset's own limits (size of each part, length of each part), as on a station.
    custom: z
      .object({ maxMB: z.number().positive().max(100_000).nullable(), maxSeconds: z.number().positive().max(86_400).nullable() })
      .partial()
      .strict()
      .nullable()
      .optional(),
  })
  .strict();
export type ExportStartRequest = z.infer<typeof ExportStartRequest>;

/** One export on the hub, as the console follows it. */
export interface ConsoleExport {
  id: string;
  station: string;
  clipId: string;
  order: string;
  preset: string;
  form: 'video' | 'stills' | null;
  /** interrupted: the hub stopped (or restarted) while it waited or ran; nothing was kept. */
  state: 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';
  /** 0..1 */
  progress: number;
  stage: string | null;
  error: string | null;
  zipName: string | null;
  zipBytes: number | null;
  createdAt: number;
  finishedAt: number | null;
}

/** Seqs of a station's chain the hub does not hold, near a clip (verify shows them with it). */
export interface ConsoleHole {
  fromSeq: number;
  toSeq: number;
  fromTime: number | null;
  toTime: number | null;
  /** Why the hub recorded it (null: seen as a gap in the chain it holds). */
  reason: string | null;
}

export interface ConsoleVerifyAnswer {
  /** A station's verdict and check lines (message codes the console words in its language). */
  answer: VerifyAnswer;
  holes: ConsoleHole[];
  /** SHA-256 of the bytes the store holds now (null: no object). */
  storedSha256: string | null;
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
