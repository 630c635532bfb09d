// Sealing: a recording's partial WebM becomes the MP4 in its day folder, hashed, indexed, sealed
// by the custody (evidence/), announced (clip.saved), queued for its frame read-back and given a
// thumbnail. Used for every ending: a finished recording, one the engine ended, one recovered at start.
import path from 'node:path';
import type { Clip, ClipStopReason } from '../../../shared/contract.ts';
import type { PageIncident } from '../../../shared/contract/continuity.ts';
import { clipFileName, dayFolder } from '../clipNames.ts';
import { thumbUrlOf } from '../clipView.ts';
import type { ClipRow } from '../index/types.ts';
import type { ContinuityPass } from '../continuity.ts';
import { probe, remuxToMp4, thumbnail } from '../ffmpeg.ts';
import { sha256File } from '../hash.ts';
import type { Scratch } from '../store/types.ts';
import type { EngineServices } from '../services.ts';
import { errorLine, errorMessage } from '../../../shared/errorMessage.ts';
import { formatMessage, msg, wordsToJson } from '../../../shared/messages.ts';

export type SealingServices = Pick<EngineServices, 'store' | 'db' | 'clips' | 'custody' | 'ownsData' | 'emit' | 'logLine'> & {
  readonly continuity: ContinuityPass;
  toClip(row: ClipRow): Promise<Clip>;
};

export class Sealer {
  private readonly thumbnails = new Set<Promise<void>>();
  /** Seals under way: shutdown waits for them, since a clip's row reads "ok" before its chain entry exists. */
  private readonly sealing = new Set<Promise<Clip | null>>();

  private readonly s: SealingServices;
  /** What the page saw while recording the clip, for its read-back (taken once). */
  private readonly incidentsOf: (id: string) => Promise<PageIncident[]>;

  constructor(s: SealingServices, incidentsOf: (id: string) => Promise<PageIncident[]>) {
    this.s = s;
    this.incidentsOf = incidentsOf;
  }

  /** Settles once every seal under way is in the chain and the thumbnails have written their rows. */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.sealing]);
    await Promise.allSettled([...this.thumbnails]);
  }

  /**
   * Partial WebM → MP4 in the day folder, hashed, indexed and sealed. The partial is kept if anything fails.
   * `partial` is the recording's key in the clip store (`.recording/<id>.webm`).
   */
  async seal(...args: Parameters<Sealer['sealNow']>): Promise<Clip | null> {
    const sealed = this.sealNow(...args);
    this.sealing.add(sealed);
    try {
      return await sealed;
    } finally {
      this.sealing.delete(sealed);
    }
  }

  private async sealNow(
    id: string,
    order: string,
    partial: string,
    startedAt: number,
    endedAt: number,
    monoMs: number | null,
    status: 'ok' | 'interrupted' | 'recovered',
    reason: ClipStopReason,
    note: string | null,
    /** The note as codes (wordsToJson), kept beside its English; null: English only. */
    noteWords: string | null = null,
  ): Promise<Clip | null> {
    const { store } = this.s;
    const rel = path.join(dayFolder(startedAt), clipFileName(order, startedAt, id));
    let temp: Scratch | null = null;
    try {
      // ffmpeg writes the MP4 into a scratch file on the store's disk; put() takes it in last, so
      // a clip under its final name is always complete.
      temp = await store.scratch(rel);
      await remuxToMp4(store.localPath(partial), temp.file, monoMs ?? Math.max(0, endedAt - startedAt));
      const [info, sha256] = await Promise.all([probe(temp.file), sha256File(temp.file)]);
      await store.put(rel, { file: temp.file });
      const stat = await store.stat(rel);
      if (!stat) throw new Error(`${rel} is not in the clip store after it was put there`);
      await this.s.clips.finish(id, {
        ended_at: endedAt,
        duration_ms: info.durationMs,
        mono_ms: monoMs,
        size_bytes: stat.size,
        file: rel,
        sha256,
        status,
        stop_reason: reason,
        note,
        note_words: note ? noteWords : null,
      });
      await store.delete(partial);
    } catch (err) {
      await temp?.discard().catch(() => {});
      const words = msg('note-seal-failed', { order, error: errorLine(err), file: store.localPath(partial) });
      const message = formatMessage(words);
      await this.s.clips.setStatus(id, 'failed', message, wordsToJson([words]));
      await this.s.clips.setPartial(id, partial);
      this.s.logLine(message);
      this.s.emit('station.problem', { message, words });
      return null;
    }
    const row = (await this.s.clips.get(id))!;
    try {
      await this.s.custody.clipSealed(row);
    } catch (err) {
      // The clip itself is safe on disk and indexed; sealing can be retried by `verify --all`/doctor.
      this.s.logLine(`sealing ${id} failed: ${errorMessage(err)}`);
      const words = msg('problem-not-sealed', { order, error: errorMessage(err) });
      this.s.emit('station.problem', { message: formatMessage(words), words });
    }
    const clip = await this.s.toClip((await this.s.clips.get(id))!);
    this.s.emit('clip.saved', clip);
    if (this.s.ownsData && this.s.custody.continuityChecked && clip.evidence) {
      this.s.continuity.enqueue({ row: (await this.s.clips.get(id))!, file: store.localPath(rel), incidents: await this.incidentsOf(id) });
    }
    const thumb = this.makeThumbnail(row).finally(() => this.thumbnails.delete(thumb));
    this.thumbnails.add(thumb);
    return clip;
  }

  private async makeThumbnail(row: ClipRow): Promise<void> {
    if (!row.file) return;
    const rel = path.join('.thumbs', `${row.id}.jpg`);
    try {
      const at = Math.min(1000, Math.max(0, (row.duration_ms ?? 0) / 2));
      // ffmpeg reads and writes local files: the store's local capability (store/types.ts).
      await thumbnail(this.s.store.localPath(row.file), this.s.store.localPath(rel), at);
      await this.s.clips.setThumb(row.id, rel);
      this.s.emit('clip.thumbnail', { id: row.id, thumbUrl: thumbUrlOf(row.id) });
    } catch (err) {
      this.s.logLine(`thumbnail of ${row.id} failed: ${errorMessage(err)}`);
    }
  }
}
