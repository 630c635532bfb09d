// File names of clips: the order code is already restricted to letters, digits, '-' and '_'
// (shared/orderCode.ts); the time and id make every name unique, so a repeated order code gets
// a new file and never overwrites an earlier clip.
const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** Local date folder, e.g. 2026-11-25: what a person browsing the clips folder expects. */
export function dayFolder(epochMs: number): string {
  const d = new Date(epochMs);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export function clipFileName(order: string, epochMs: number, id: string): string {
  const d = new Date(epochMs);
  const time = `${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`;
  // Belt and braces: even if a caller skipped parseOrderCode, nothing but safe characters reaches
  // the file system.
  const safe = order.replace(/[^\p{L}\p{M}\p{Nd}_-]/gu, '_').slice(0, 80) || 'order';
  return `${safe}_${time}_${id}.mp4`;
}
