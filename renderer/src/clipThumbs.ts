// A clip's thumbnail is cut after the clip is saved (engine: recording/sealing.ts); its event patches
// the lists already on screen instead of asking the index again.
import type { Clip, EventPayload } from '../../shared/contract.ts';

/** The list with that clip's thumbnail set; the same array when the clip is not in it. */
export function withThumbnail(clips: Clip[], ready: EventPayload<'clip.thumbnail'>): Clip[] {
  if (!clips.some((c) => c.id === ready.id)) return clips;
  return clips.map((c) => (c.id === ready.id ? { ...c, thumbUrl: ready.thumbUrl } : c));
}
