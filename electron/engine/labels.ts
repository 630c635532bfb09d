// What the camera read while a clip recorded: kept per clip in the index, sealed into
// the clip's manifest, and shown with the clip ("label seen at 00:03.2", or the other tracking
// number the picture showed).
//
// Its own table, created when first needed, so it stays independent of the numbered migrations.
import { ClipLabels } from '../../shared/contract/labels.ts';
import { clipTimeLabel } from '../../shared/labelRules.ts';
import type { Db } from './db.ts';
import type { JsonValue } from './evidence/canonicalJson.ts';

const CREATE = 'CREATE TABLE IF NOT EXISTS clip_labels (clip_id TEXT PRIMARY KEY, body TEXT NOT NULL)';

export class LabelStore {
  private readonly db: Db;
  private ready = false;

  constructor(db: Db) {
    this.db = db;
  }

  set(clipId: string, labels: ClipLabels): void {
    if (!this.ready) {
      this.db.exec(CREATE);
      this.ready = true;
    }
    this.db.prepare('INSERT OR REPLACE INTO clip_labels (clip_id, body) VALUES (?, ?)').run(clipId, JSON.stringify(labels));
  }

  get(clipId: string): ClipLabels | null {
    try {
      const row = this.db.prepare('SELECT body FROM clip_labels WHERE clip_id=?').get(clipId) as { body: string } | undefined;
      return row ? (JSON.parse(row.body) as ClipLabels) : null;
    } catch {
      return null; // no label was ever stored on this station: the table does not exist yet
    }
  }
}

/**
 * The manifest's `labels` field: each code read (first and last time seen, ms from the clip's
 * start, where in the frame), when the clip's own code was seen, and any other tracking number.
 * Absent when the camera was not reading, so manifests of such clips are as they always were.
 */
export function labelManifestFields(db: Db, clipId: string): Record<string, JsonValue> {
  const labels = new LabelStore(db).get(clipId);
  return labels ? { labels: JSON.parse(JSON.stringify(labels)) as JsonValue } : {};
}

/**
 * The line `verify` (and the Check a clip view) adds for a clip whose signed manifest carries
 * camera reads: informational (ok null), since what the picture showed says nothing about whether
 * the file was changed. null when the camera was not reading.
 */
export function labelVerifyCheck(labels: unknown, orders: readonly string[]): { what: 'history'; ok: null; text: string } | null {
  const parsed = ClipLabels.safeParse(labels);
  if (!parsed.success) return null;
  const l = parsed.data;
  const order = orders.join(', ');
  const source = l.source === 'camera' ? ' The code was read by the camera.' : '';
  if (l.mismatch.length) {
    return { what: 'history', ok: null, text: `LABEL MISMATCH: the picture showed ${l.mismatch.join(', ')}, but the clip is filed under ${order} (signed in the manifest).${source}` };
  }
  if (l.seenAtMs !== null) return { what: 'history', ok: null, text: `The label ${order} is in the picture: seen at ${clipTimeLabel(l.seenAtMs)} (signed in the manifest).${source}` };
  return { what: 'history', ok: null, text: `The camera was reading but did not see the label ${order} in the picture.${source}` };
}
