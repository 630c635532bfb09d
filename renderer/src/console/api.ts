// The console's calls as the pages make them: same-origin fetch (the cookie rides along; it is
// HttpOnly, so the page never sees it), changes as JSON POSTs (the hub's door refuses others).
import {
  CONSOLE_API,
  type AuditEntry,
  type ClipTag,
  type ConsoleClip,
  type ConsoleExport,
  type ConsoleHoldAnswer,
  type ConsoleMe,
  type ConsoleRole,
  type ConsoleSearchAnswer,
  type ConsoleStation,
  type ConsoleUserRow,
  type ConsoleVerifyAnswer,
  type EnrollCodeAnswer,
} from '../../../shared/consoleWire.ts';
import type { ExportPreset } from '../../../shared/contract/export.ts';

export class ConsoleError extends Error {
  readonly status: number;
  readonly code: string;
  readonly retryAfterSec: number | null;
  constructor(status: number, code: string, message: string, retryAfterSec: number | null = null) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfterSec = retryAfterSec;
  }
}

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(`${CONSOLE_API}${path}`, { credentials: 'same-origin', ...init });
  if (!res.ok) {
    let code = 'error';
    let message = res.statusText;
    try {
      const body = (await res.json()) as { error?: { code?: string; message?: string } };
      code = body.error?.code ?? code;
      message = body.error?.message ?? message;
    } catch {
      // not JSON: keep the status text
    }
    const retry = res.headers.get('retry-after');
    throw new ConsoleError(res.status, code, message, retry ? Number(retry) : null);
  }
  return (await res.json()) as T;
}

const post = <T>(path: string, body: unknown): Promise<T> =>
  call<T>(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

export interface SearchFilters {
  q?: string;
  order?: string;
  station?: string;
  operator?: string;
  mode?: string;
  from?: number;
  to?: number;
  before?: string;
  limit?: number;
  status?: ClipTag | '';
}

export interface AuditFilters {
  user?: string;
  action?: string;
  from?: number;
  to?: number;
  before?: number;
  limit?: number;
}

function query(f: object): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v !== undefined && v !== '') p.set(k, String(v));
  return p.toString();
}

export const consoleApi = {
  me: () => call<ConsoleMe>('/me'),
  login: (name: string, password: string) => post<ConsoleMe>('/login', { name, password }),
  logout: () => post<{ ok: true }>('/logout', {}),
  logoutEverywhere: () => post<{ ok: true }>('/logout-everywhere', {}),
  search: (f: SearchFilters) => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(f)) if (v !== undefined && v !== '') p.set(k, String(v));
    return call<ConsoleSearchAnswer>(`/clips?${p.toString()}`);
  },
  clip: (station: string, clipId: string) => call<{ clip: ConsoleClip }>(`/clips/${encodeURIComponent(station)}/${encodeURIComponent(clipId)}`),
  mediaUrl: (station: string, clipId: string) => `${CONSOLE_API}/clips/${encodeURIComponent(station)}/${encodeURIComponent(clipId)}/media`,
  verify: (station: string, clipId: string) => post<ConsoleVerifyAnswer>(`/clips/${encodeURIComponent(station)}/${encodeURIComponent(clipId)}/verify`, {}),
  hold: (station: string, clipId: string, held: boolean, reason: string) =>
    post<ConsoleHoldAnswer>(`/clips/${encodeURIComponent(station)}/${encodeURIComponent(clipId)}/hold`, { held, reason }),
  exportPresets: () => call<{ presets: ExportPreset[] }>('/export-presets'),
  exportStart: (
    station: string,
    clipId: string,
    preset: string,
    form: 'video' | 'stills' | null,
    custom: { maxMB: number | null; maxSeconds: number | null } | null = null,
  ) => post<ConsoleExport>(`/clips/${encodeURIComponent(station)}/${encodeURIComponent(clipId)}/export`, { preset, form, ...(custom ? { custom } : {}) }),
  exportStatus: (id: string) => call<ConsoleExport>(`/exports/${id}`),
  exportCancel: (id: string) => post<ConsoleExport>(`/exports/${id}/cancel`, {}),
  exportZipUrl: (id: string) => `${CONSOLE_API}/exports/${id}/zip`,
  thumbUrl: (station: string, clipId: string) => `${CONSOLE_API}/clips/${encodeURIComponent(station)}/${encodeURIComponent(clipId)}/thumb`,
  users: () => call<{ users: ConsoleUserRow[] }>('/admin/users'),
  userAdd: (name: string, role: ConsoleRole, password: string) => post<ConsoleUserRow>('/admin/users/add', { name, role, password }),
  userRemove: (name: string) => post<{ ok: true }>('/admin/users/remove', { name }),
  userLogout: (name: string) => post<{ ok: true }>('/admin/users/logout', { name }),
  enrollCode: () => post<EnrollCodeAnswer>('/admin/enroll-code', {}),
  stations: () => call<{ stations: ConsoleStation[] }>('/admin/stations'),
  audit: (f: AuditFilters) => call<{ entries: AuditEntry[]; next: number | null }>(`/audit?${query(f)}`),
  auditCsvUrl: (f: AuditFilters) => `${CONSOLE_API}/audit.csv?${query(f)}`,
};
