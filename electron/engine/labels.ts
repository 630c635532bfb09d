// What the camera read while a clip recorded: kept per clip in the index, sealed into
// the clip's manifest, and shown with the clip ("label seen at 00:03.2", or the other tracking
// number the picture showed).
//
// Kept in the index (index/sqliteEvidence.ts: its own table, independent of the numbered migrations).
import fs from 'node:fs';
import { ClipLabels } from '../../shared/contract/labels.ts';
import { clipTimeLabel } from '../../shared/labelRules.ts';
import type { Db } from './db.ts';
import type { ClipNotesIndex } from './index/types.ts';
import { sqliteNotes } from './index/sqliteEvidence.ts';
import type { JsonValue } from './evidence/canonicalJson.ts';
import { sidecarsOf } from './evidence/manifest.ts';
import { formatMessages, msg, type Message } from '../../shared/messages.ts';

export class LabelStore {
  private readonly notes: ClipNotesIndex;

  constructor(db: Db) {
    this.notes = sqliteNotes(db);
  }

  set(clipId: string, labels: ClipLabels): Promise<void> {
    return this.notes.setLabels(clipId, JSON.stringify(labels));
  }

  async get(clipId: string): Promise<ClipLabels | null> {
    const body = await this.notes.labels(clipId);
    try {
      return body === null ? null : (JSON.parse(body) as ClipLabels);
    } catch {
      return null;
    }
  }
}

/**
 * The manifest's `labels` field: each code read (first and last time seen, ms from the clip's
 * start, where in the frame), when the clip's own code was seen, and any other tracking number.
 * Absent when the camera was not reading, so manifests of such clips are as they always were.
 */
export async function labelManifestFields(db: Db, clipId: string): Promise<Record<string, JsonValue>> {
  const labels = await new LabelStore(db).get(clipId);
  return labels ? { labels: JSON.parse(JSON.stringify(labels)) as JsonValue } : {};
}

/**
 * The line `verify` (and the Check a clip view) adds for a clip whose signed manifest carries
 * camera reads: informational (ok null), since what the picture showed says nothing about whether
 * the file was changed. null when the camera was not reading.
 */
export function labelVerifyCheck(labels: unknown, orders: readonly string[]): { what: 'history'; ok: null; text: string; messages: Message[] } | null {
  const parsed = ClipLabels.safeParse(labels);
  if (!parsed.success) return null;
  const l = parsed.data;
  const order = orders.join(', ');
  const first =
    l.mismatch.length > 0
      ? msg('label-mismatch', { codes: l.mismatch.join(', '), order })
      : l.seenAtMs !== null
        ? msg('label-seen', { order, at: clipTimeLabel(l.seenAtMs) })
        : msg('label-not-seen', { order });
  const messages = l.source === 'camera' ? [first, msg('label-read-by-camera')] : [first];
  return { what: 'history', ok: null, text: formatMessages(messages), messages };
}

/** The labels sealed in a clip's signed manifest (X.manifest.json next to the clip); null when none. */
export function sealedLabels(clipFile: string): ClipLabels | null {
  try {
    const body = JSON.parse(fs.readFileSync(sidecarsOf(clipFile).manifest, 'utf8')) as { labels?: unknown };
    const parsed = ClipLabels.safeParse(body.labels);
    return parsed.success ? parsed.data : null;
  } catch {
    return null; // no manifest (a clip sealed before the evidence module), or unreadable: no label still
  }
}

/** The read an export's label still shows: when and where in the frame, and the code read. */
export interface LabelStill {
  atMs: number;
  box: [number, number, number, number];
  code: string;
}

/**
 * Which read the export's first still zooms on: the clip's own code when the camera saw it, else the
 * other tracking number that made the mismatch (that frame is the evidence of it), else none: one
 * stray read of something else is no reason to lead the stills with it.
 */
export function labelStillOf(labels: ClipLabels | null, order: string): LabelStill | null {
  if (!labels || !labels.reads.length) return null;
  const own = labels.seenAtMs !== null ? labels.reads.find((r) => r.firstMs === labels.seenAtMs && r.code.includes(order)) : undefined;
  const other = labels.mismatch.length ? labels.reads.find((r) => labels.mismatch.some((m) => r.code.includes(m))) : undefined;
  const r = own ?? other;
  return r ? { atMs: r.firstMs, box: [...r.box], code: r.code } : null;
}

/**
 * The part of the frame a label still shows: the read's box with room around it, keeping the
 * frame's proportions (so the still has the clip's size), at least a quarter of the frame across
 * (a tiny box zoomed further shows only blur), and inside the frame. Fractions of the frame.
 */
export function labelCrop(box: readonly [number, number, number, number]): [number, number, number, number] {
  const [x, y, w, h] = box;
  const f = Math.min(1, Math.max(0.25, w * 1.8, h * 1.8));
  const cx = x + w / 2;
  const cy = y + h / 2;
  const clamp = (v: number): number => Math.min(1 - f, Math.max(0, v));
  return [clamp(cx - f / 2), clamp(cy - f / 2), f, f];
}

/** The evidence sheet's label line: the same verdict `verify` gives, short. null when the camera was not reading. */
export function labelSheetText(labels: ClipLabels | null, order: string): string | null {
  if (!labels) return null;
  // Short: the line sits under the QR code on a 1240 px page, in 21 px type.
  if (labels.mismatch.length) return `MISMATCH: the picture showed ${labels.mismatch.join(', ')}; the clip is filed under ${order}`;
  const by = labels.source === 'camera' ? ' (order read by the camera)' : '';
  if (labels.seenAtMs !== null) return `${order} seen in the picture at ${clipTimeLabel(labels.seenAtMs)}${by}`;
  return `the camera was reading but did not see ${order} in the picture`;
}
