// The last scans of the day and what each did, for the Today panel. Kept in the page (and in
// localStorage, so a reload keeps the list); the clips themselves are in the engine's index.
import type { Msg } from '../../../shared/stationMachine.ts';

export type ScanOutcome =
  'started' | 'switched' | 'stopped' | 'discarded' | 'discardArmed' | 'mode' | 'operator' | 'ignored' | 'refused' | 'failed' | 'mismatch';

export interface ScanLogEntry {
  at: number; // epoch ms
  code: string;
  outcome: ScanOutcome;
  level: 'info' | 'warn' | 'error';
  msg: Msg | null;
  /** Read by the camera rather than scanned, or typed into the order box by a person; absent: scanned. */
  source?: 'camera' | 'typed';
}

const KEY = 'pw.scanLog';
export const SCAN_LOG_SIZE = 20;

function sameDay(a: number, b: number): boolean {
  return new Date(a).toDateString() === new Date(b).toDateString();
}

export function loadScanLog(now = Date.now()): ScanLogEntry[] {
  try {
    const raw = JSON.parse(localStorage.getItem(KEY) ?? '[]') as ScanLogEntry[];
    return Array.isArray(raw) ? raw.filter((e) => typeof e?.at === 'number' && sameDay(e.at, now)).slice(0, SCAN_LOG_SIZE) : [];
  } catch {
    return [];
  }
}

export function addToScanLog(log: ScanLogEntry[], entry: ScanLogEntry): ScanLogEntry[] {
  const next = [entry, ...log.filter((e) => sameDay(e.at, entry.at))].slice(0, SCAN_LOG_SIZE);
  try {
    localStorage.setItem(KEY, JSON.stringify(next));
  } catch {
    // Private mode or full storage: the list still works for this page.
  }
  return next;
}
