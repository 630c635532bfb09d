// An index row as both doors show it (the contract's Clip): its evidence and what the camera read included.
import path from 'node:path';
import type { Clip } from '../../shared/contract.ts';
import { wordsFromJson } from '../../shared/messages.ts';
import type { ClipLabels } from '../../shared/contract/labels.ts';
import type { ClipRow } from './index/types.ts';
import type { LabelStore } from './labels.ts';
import type { EngineServices } from './services.ts';

export type ClipViewServices = Pick<EngineServices, 'custody'> & {
  readonly labels: LabelStore;
  /** The station key's fingerprint (null while no key is loaded): with the clip id it names a clip anywhere. */
  readonly stationId: string | null;
};

/** Where both doors serve a clip's thumbnail (the media routes). */
export function thumbUrlOf(id: string): string {
  return `/media/thumbs/${encodeURIComponent(id)}`;
}

export async function toClip(s: ClipViewServices, row: ClipRow): Promise<Clip> {
  const evidence = (await s.custody.describe?.(row.id)) ?? null;
  return {
    id: row.id,
    order: row.order_code,
    station: row.station,
    operator: row.operator,
    mode: row.mode,
    startedAt: new Date(row.started_at).toISOString(),
    endedAt: new Date(row.ended_at ?? row.started_at).toISOString(),
    durationMs: row.duration_ms ?? 0,
    sizeBytes: row.size_bytes ?? 0,
    stationId: s.stationId ?? '',
    fileName: row.file ? path.basename(row.file) : '',
    sha256: row.sha256 ?? '',
    status: row.status === 'recovered' || row.status === 'interrupted' || row.status === 'failed' ? row.status : 'ok',
    stopReason: row.stop_reason,
    note: row.note,
    noteWords: wordsFromJson(row.note_words),
    mediaUrl: `/media/clips/${encodeURIComponent(row.id)}`,
    thumbUrl: row.thumb_file ? thumbUrlOf(row.id) : null,
    legalHold: row.legal_hold === 1,
    holdReason: row.hold_reason ?? null,
    evidence,
    ...(await labelsOf(s.labels, row.id)),
  };
}

/** A clip carries `labels` only when the camera was reading while it recorded. */
async function labelsOf(store: LabelStore, id: string): Promise<{ labels?: ClipLabels }> {
  const labels = await store.get(id);
  return labels ? { labels } : {};
}
