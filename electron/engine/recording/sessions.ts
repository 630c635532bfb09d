// Recording sessions: a page starts a recording, sends a chunk a second, and finishes it; the engine
// ends one itself when its storage fails, its page vanishes or the station shuts down. Each chunk is
// flushed before it is acknowledged, and every ending becomes a sealed clip (sealing.ts).
import fsp from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { PwError, type CallOutput, type Clip, type RecordingEndCause, type Settings, type StopReason } from '../../../shared/contract.ts';
import type { PageIncident } from '../../../shared/contract/continuity.ts';
import type { SpaceInfo } from '../../../shared/contract/storage.ts';
import { parseOrderCode } from '../../../shared/orderCode.ts';
import type { ClipRow } from '../index/types.ts';
import type { LabelStore } from '../labels.ts';
import type { PageIncidentStore } from '../continuity.ts';
import type { ClipWriter } from '../store/types.ts';
import type { Retention } from '../retention.ts';
import type { EngineServices, HandlerMap } from '../services.ts';
import {
  checkBeforeRecording,
  describeFsError,
  fsErrorMessage,
  lowSpace,
  lowSpaceMessage,
  MARKER_FILE,
  probeWritable,
  spaceOf,
  startHeadroomBytes,
} from '../storage.ts';
import { formatMessage, formatMessages, isMessageCode, msg, wordsToJson, type Message } from '../../../shared/messages.ts';
import type { Sealer } from './sealing.ts';
import { errorMessage } from '../../../shared/errorMessage.ts';

/** What recording sessions use besides the sealer. */
export type RecordingServices = Pick<
  EngineServices,
  'paths' | 'store' | 'clips' | 'settings' | 'custody' | 'ownsData' | 'reportProblem' | 'emit' | 'logLine'
> & {
  readonly labels: LabelStore;
  /** The page's incidents, kept as they arrive for a read-back after a restart (continuity.ts). */
  readonly incidents: PageIncidentStore;
  readonly retention: Pick<Retention, 'run' | 'afterClip'>;
  toClip(row: ClipRow): Promise<Clip>;
};

type RecordingCall = 'recording.start' | 'recording.chunk' | 'recording.finish' | 'recording.events' | 'recording.ready' | 'recording.discard';

interface Session {
  id: string;
  order: string;
  /** The recording's key in the clip store (`.recording/<id>.webm`). */
  partial: string;
  /** Appends each chunk to it (store/): opened again per chunk, never created anew. */
  writer: ClipWriter;
  nextSeq: number;
  bytes: number;
  startedAt: number;
  startedMono: number;
  // Chunks are written strictly in order, each flushed before the next is accepted.
  queue: Promise<void>;
  closed: boolean;
  /** Set when the engine ended this recording on its own; later chunks get this answer. */
  stopMessage?: string;
  /** The same as a code, so a page words it in its language. */
  stopWords?: Message;
  endCause?: RecordingEndCause;
  /** Monotonic ms of the start or the last chunk: a page that vanished stops sending (reapStalled). */
  lastChunkMono: number;
}

function newId(): string {
  // Sortable by time, unguessable enough that ids cannot be enumerated through the HTTP door.
  return `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;
}

const roomFor = (cause: 'disk-full' | 'storage', words: Message): Room => ({ cause, text: formatMessage(words), words });

const monoNow = (): number => Number(process.hrtime.bigint() / 1_000_000n);

type Room = { cause: 'disk-full' | 'storage'; text: string; words: Message } | null;

/**
 * A sentence about the clips folder or its space (`inner`) inside a recording's refusal or end:
 * each such pair has its own code (`record-refused-fs-full`, `record-stopped-space-below-reserve`),
 * so the whole sentence reads in the UI language.
 */
function within(prefix: 'record-refused' | 'record-stopped', inner: Message, params: Record<string, string> = {}): Message {
  const code = `${prefix}-${inner.code}`;
  return isMessageCode(code) ? { code, params: { ...inner.params, ...params } } : inner;
}

/** Ends a session's recording with this sentence (kept for later chunks and the finish). */
function stopWith(s: Session, words: Message): string {
  s.stopWords = words;
  s.stopMessage = formatMessage(words);
  return s.stopMessage;
}

/** The answer to a chunk or finish of a recording the engine ended. */
const endedError = (s: Session): PwError => new PwError('ended', s.stopWords ?? s.stopMessage ?? '');

/** A discard's note as a code, for the two reasons the station page gives (clipSession.discard); else null. */
function discardWords(reason: string): Message | null {
  const m = /^(discard button|DISCARD control code scanned) \(order (.+)\)$/.exec(reason);
  if (!m) return null;
  return msg(m[1] === 'discard button' ? 'note-discarded-button' : 'note-discarded-scan', { order: m[2]! });
}

function causeOfFsError(err: unknown): 'disk-full' | 'storage' {
  const code = (err as NodeJS.ErrnoException)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT' ? 'disk-full' : 'storage';
}

export class RecordingSessions {
  private readonly sessions = new Map<string, Session>();
  private closing = false;
  /**
   * Recordings ended because their storage failed (folder gone, read-only) and so not sealed then:
   * their raw video is sealed as soon as recording.ready finds the storage back (sealWhenBack).
   */
  private sealingBack: Promise<void> | null = null;
  private readonly unsealed = new Map<
    string,
    { order: string; partial: string; startedAt: number; endedAt: number; monoMs: number; reason: StopReason; note: string | null; noteWords: string | null }
  >();
  /** Recordings the engine ended itself (disk full, shutdown, …): a late chunk or finish gets this answer. */
  private readonly stopped = new Map<string, { message: string; words: Message | undefined; result: Promise<CallOutput<'recording.finish'>> }>();
  /** What each page saw while recording (recording.events), until its clip is read back. */
  private readonly pageIncidents = new Map<string, PageIncident[]>();

  private readonly s: RecordingServices;
  private readonly sealer: Sealer;

  constructor(s: RecordingServices, sealer: Sealer) {
    this.s = s;
    this.sealer = sealer;
  }

  /** Ids of the recordings in progress. */
  active(): string[] {
    return [...this.sessions.keys()];
  }

  /** The page's incidents of a sealed clip, handed to its read-back once. */
  takeIncidents(id: string): PageIncident[] {
    const list = this.pageIncidents.get(id) ?? [];
    this.pageIncidents.delete(id);
    return list;
  }

  /** Checks every 5 s for recordings whose page stopped sending (reapStalled). */
  watchStalls(): void {
    this.stallTimer ??= setInterval(() => this.reapStalled(), 5_000);
    this.stallTimer.unref();
  }

  stopWatchingStalls(): void {
    if (this.stallTimer) clearInterval(this.stallTimer);
  }

  /** Settles once every recording the engine ended is sealed (or failed) and storage-back sealing is done. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.stopped.values()].map((x) => x.result));
    await this.sealingBack;
  }

  readonly handlers: HandlerMap<RecordingCall> = {
    'recording.start': async (input) => {
      if (this.closing) throw new PwError('refused', msg('record-refused-shutdown'));
      const parsed = parseOrderCode(input.order);
      if (!parsed.ok) throw new PwError('bad-input', parsed.reason);
      const order = parsed.code;
      const settings = this.s.settings.get();
      // Before any file exists: the folder is still ours and the disk above its reserve (storage.ts).
      await this.ensureRoom(settings, 0, true);
      const id = newId();
      const partialRel = path.join('.recording', `${id}.webm`);
      let writer: ClipWriter;
      try {
        // A new file, never reused or overwritten. Each chunk opens it again and closes it: the
        // station never holds the clips disk open between chunks, so a disk turned read-only or
        // unplugged is refused at the next chunk instead of written blind (store/local.ts).
        writer = await this.s.store.writer(partialRel);
      } catch (err) {
        throw new PwError('refused', within('record-refused', fsErrorMessage(err, this.s.paths.clipsDir)));
      }
      const startedAt = Date.now();
      const previous = (await this.s.clips.byOrder(order)).map((r) => ({
        id: r.id,
        startedAt: new Date(r.started_at).toISOString(),
        station: r.station,
        mode: r.mode,
      }));
      // The row and the session come into being together: nothing (a shutdown, a chunk) runs between them.
      const inserted = this.s.clips.insertRecording({
        id,
        order_code: order,
        station: settings.stationName,
        operator: input.operator,
        mode: input.mode,
        started_at: startedAt,
        mime_type: input.mimeType,
        partial_file: partialRel,
      });
      this.sessions.set(id, {
        id,
        order,
        partial: partialRel,
        writer,
        nextSeq: 0,
        bytes: 0,
        startedAt,
        startedMono: monoNow(),
        lastChunkMono: monoNow(),
        queue: Promise.resolve(),
        closed: false,
      });
      try {
        await inserted;
      } catch (err) {
        this.sessions.delete(id);
        throw err;
      }
      this.s.emit('recording.started', { recordingId: id, order });
      return { recordingId: id, order, startedAt: new Date(startedAt).toISOString(), previous };
    },

    'recording.chunk': async (input) => {
      const s = this.sessions.get(input.recordingId);
      if (!s || s.closed) throw await this.notRecording(input.recordingId);
      const write = s.queue.then(async () => {
        if (s.stopMessage) throw endedError(s);
        if (input.seq < s.nextSeq) return; // a retried chunk that already landed
        if (input.seq > s.nextSeq) {
          // The page sends chunks strictly in order and gives one up only when it cannot be
          // delivered: a later one means a hole in the clip, so the clip ends with what came.
          s.endCause = 'chunks-refused';
          stopWith(s, msg('record-stopped-hole', { order: s.order, missing: s.nextSeq + 1, came: input.seq + 1 }));
          throw endedError(s);
        }
        // The folder must still be ours and the disk must not run into its reserve; if either fails, what arrived is kept.
        const room = await this.roomNow(this.s.settings.get(), input.data.byteLength);
        if (room) {
          s.endCause = room.cause;
          stopWith(s, within('record-stopped', room.words, { order: s.order }));
          throw endedError(s);
        }
        try {
          // Flushed before we answer: once the page hears "ok", a power cut cannot take this second.
          await s.writer.append(input.data);
        } catch (err) {
          // ENOSPC, EROFS, EIO (a disk unplugged), ENOENT (folder gone): the earlier chunks are on disk; finish with them.
          s.endCause = causeOfFsError(err);
          stopWith(s, within('record-stopped', fsErrorMessage(err, this.s.paths.clipsDir), { order: s.order }));
          throw endedError(s);
        }
        s.nextSeq += 1;
        s.lastChunkMono = monoNow();
        s.bytes += input.data.byteLength;
      });
      s.queue = write.catch(() => {});
      try {
        await write;
      } catch (err) {
        if (s.stopMessage && s.endCause && !this.stopped.has(s.id)) {
          this.endRecording(
            s,
            s.endCause,
            s.stopWords ?? s.stopMessage,
            s.endCause === 'chunks-refused' ? 'chunks-refused' : 'disk-full',
            'interrupted',
            s.stopWords ?? s.stopMessage,
          );
        }
        throw err;
      }
      return { bytes: s.bytes };
    },

    'recording.finish': async (input) => {
      const s = this.sessions.get(input.recordingId);
      const stopped = this.stopped.get(input.recordingId);
      if (!s && stopped) return stopped.result; // the engine already finished it
      if (!s) {
        // Ended by an earlier run of the station (killed, restarted): say what became of it.
        const row = await this.s.clips.get(input.recordingId);
        const err = await this.notRecording(input.recordingId);
        if (!row || err.code !== 'ended') throw err;
        const kept = row.status === 'ok' || row.status === 'recovered' || row.status === 'interrupted';
        return { clip: kept ? await this.s.toClip(row) : null, message: err.message };
      }
      // Stored before sealing: the manifest carries what the camera read.
      if (input.labels) await this.s.labels.set(s.id, input.labels);
      // The page's note as codes only when they read as its English note, word for word.
      const pageWords = input.note && input.noteWords?.length && formatMessages(input.noteWords) === input.note ? input.noteWords : null;
      return this.finishSession(s, input.reason, input.status, input.note, input.chunkCount, pageWords);
    },

    'recording.events': async (input) => {
      // Kept only for a recording of this run (in progress or just finished): a few per clip.
      if (!this.sessions.has(input.recordingId) && !(await this.s.clips.get(input.recordingId)))
        throw new PwError('not-found', `No recording ${input.recordingId}.`);
      const list = this.pageIncidents.get(input.recordingId) ?? [];
      list.push(...input.incidents.slice(0, Math.max(0, 500 - list.length)));
      this.pageIncidents.set(input.recordingId, list);
      await this.s.incidents.set(input.recordingId, list);
      while (this.pageIncidents.size > 50) this.pageIncidents.delete(this.pageIncidents.keys().next().value!);
      return { accepted: list.length };
    },
    'recording.ready': async () => {
      if (this.closing) return { ready: false, cause: 'shutdown' as const, message: formatMessage(msg('ready-shutdown')), words: msg('ready-shutdown') };
      // Ready means a scan would start: the same headroom above the reserve that recording.start asks for.
      const settings = this.s.settings.get();
      const room = await this.roomNow(settings, startHeadroomBytes(settings.videoBitsPerSecond));
      if (room) return { ready: false, cause: room.cause, message: room.text, words: room.words };
      try {
        probeWritable(this.s.paths.partialDir); // a read-only disk shows only when writing
      } catch (err) {
        const words = fsErrorMessage(err, this.s.paths.clipsDir);
        return { ready: false, cause: causeOfFsError(err), message: formatMessage(words), words };
      }
      if (this.unsealed.size) {
        this.sealingBack ??= this.sealWhenBack()
          .catch((err: unknown) => this.s.logLine(`sealing after the storage came back failed: ${errorMessage(err)}`))
          .finally(() => (this.sealingBack = null));
      }
      return { ready: true, cause: null, message: null };
    },

    'recording.discard': async (input) => {
      const s = this.sessions.get(input.recordingId);
      if (!s) return { discarded: false };
      this.sessions.delete(s.id);
      s.closed = true;
      await s.queue;
      await this.s.store.delete(s.partial);
      await this.s.clips.setStatus(s.id, 'discarded', `Discarded: ${input.reason}`, wordsToJson([discardWords(input.reason)]));
      await this.s.custody.clipDiscarded((await this.s.clips.get(s.id))!, { who: 'station', why: input.reason });
      return { discarded: true };
    },
  };

  private async finishSession(
    s: Session,
    reason: StopReason,
    status: 'ok' | 'interrupted' | 'recovered',
    note: string | null,
    expectedChunks: number | null,
    /** `note` as codes (null: English only); the engine's own sentences below are always codes. */
    noteWords: readonly Message[] | null = null,
  ): Promise<CallOutput<'recording.finish'>> {
    this.sessions.delete(s.id);
    s.closed = true;
    await s.queue;
    const monoMs = monoNow() - s.startedMono;
    const endedAt = Date.now();
    // The note's English and the same as codes, sentence by sentence: a sentence without a code
    // leaves the whole note in English (wordsToJson).
    const notes: string[] = note ? [note] : [];
    const words: (Message | null)[] = note ? (noteWords ? [...noteWords] : [null]) : [];
    const add = (m: Message): void => {
      notes.push(formatMessage(m));
      words.push(m);
    };
    if (expectedChunks !== null && expectedChunks > s.nextSeq) {
      add(msg('note-chunks-missing', { missing: expectedChunks - s.nextSeq, expected: expectedChunks }));
    }
    const jump = endedAt - s.startedAt - monoMs;
    if (Math.abs(jump) > 2000) add(msg('note-clock-moved', { seconds: Math.round(jump / 1000) }));
    if (s.bytes === 0) {
      await this.s.store.delete(s.partial);
      await this.s.clips.setStatus(s.id, 'failed', formatMessage(msg('note-no-video')), wordsToJson([msg('note-no-video')]));
      const words = msg('problem-nothing-recorded', { order: s.order });
      const message = formatMessage(words);
      this.s.reportProblem(words); // in the log and the Status view too: a station that records nothing must be looked at
      return { clip: null, message };
    }
    // Too short: kept and marked, never dropped. A fraction of a second may still be the only
    // picture of a parcel (a fast order switch, a camera that died), costs a few hundred kB, and
    // nothing pretends it is a full recording; discarding it would lose a real clip silently.
    const minMs = this.s.settings.get().minClipMs;
    const short = minMs > 0 && monoMs < minMs;
    const min = (minMs / 1000).toFixed(1);
    const length = (monoMs / 1000).toFixed(1);
    if (short) add(msg('note-short', { min, length }));
    const note2 = notes.join(' ') || null;
    const noteWords2 = wordsToJson(words);
    const clip = await this.sealer.seal(s.id, s.order, s.partial, s.startedAt, endedAt, monoMs, status, reason, note2, noteWords2);
    // The storage itself failed (folder gone, read-only): the clip is sealed once it is back.
    if (!clip && s.endCause === 'storage')
      this.unsealed.set(s.id, { order: s.order, partial: s.partial, startedAt: s.startedAt, endedAt, monoMs, reason, note: note2, noteWords: noteWords2 });
    // What the packer is told besides the clip, in English and as codes (the page words them).
    const told: string[] = [];
    const toldWords: (Message | null)[] = [];
    if (clip && short) {
      const m = msg('finish-short', { order: s.order, length, min });
      told.push(formatMessage(m));
      toldWords.push(m);
    }
    if (clip && s.stopMessage) {
      told.push(s.stopMessage);
      toldWords.push(s.stopWords ?? null);
    }
    if (clip) this.s.retention.afterClip();
    const coded = toldWords.length > 0 && toldWords.every((m): m is Message => m !== null);
    return { clip, message: told.join(' ') || null, ...(coded ? { words: toldWords } : {}) };
  }

  /** A page sends a chunk every second while it records; this long without one means it is gone. */
  stallMs = 60_000;
  private stallTimer: NodeJS.Timeout | null = null;

  /**
   * Finishes recordings whose page vanished (tab or browser closed, PC of a LAN browser switched
   * off, network gone): what arrived is kept as an interrupted clip and the packer is told,
   * instead of the recording staying open until the station shuts down.
   */
  reapStalled(): void {
    const now = monoNow();
    for (const s of [...this.sessions.values()]) {
      if (s.closed || s.stopMessage || now - s.lastChunkMono < this.stallMs) continue;
      const words = msg('record-ended-stalled', { order: s.order, seconds: Math.round(this.stallMs / 1000) });
      this.endRecording(s, 'page-closed', words, 'page-closed', 'interrupted', words);
    }
  }

  /**
   * The engine ends a recording for its own reasons (disk at the reserve, folder gone, a hole in
   * the video, a vanished page, shutdown): what arrived is finished and kept, every open page hears
   * it at once (recording.ended) so no window goes on showing "Recording", and a late chunk or
   * finish of it gets the same answer.
   */
  private endRecording(
    s: Session,
    cause: RecordingEndCause,
    words: string | Message,
    reason: StopReason,
    status: 'ok' | 'interrupted',
    note: string | Message,
  ): void {
    if (this.stopped.has(s.id)) return;
    const message = typeof words === 'string' ? words : formatMessage(words);
    if (!s.stopMessage && typeof words !== 'string') s.stopWords = words;
    s.stopMessage ??= message;
    s.endCause ??= cause;
    this.s.emit('recording.ended', { recordingId: s.id, order: s.order, cause, message, ...(s.stopWords ? { words: s.stopWords } : {}) });
    const result =
      typeof note === 'string' ? this.finishSession(s, reason, status, note, null) : this.finishSession(s, reason, status, formatMessage(note), null, [note]);
    result.catch(() => {});
    this.stopped.set(s.id, { message, words: s.stopWords, result });
    while (this.stopped.size > 50) this.stopped.delete(this.stopped.keys().next().value!);
    this.s.reportProblem(s.stopWords ?? message);
  }

  /** The storage is back: what was recorded before it failed becomes a sealed, interrupted clip. */
  private async sealWhenBack(): Promise<void> {
    for (const [id, u] of [...this.unsealed]) {
      if (this.closing || !(await this.s.store.stat(u.partial).catch(() => null))) continue; // still gone
      if (!this.unsealed.delete(id)) continue; // another page's readiness check got there first
      const clip = await this.sealer.seal(id, u.order, u.partial, u.startedAt, u.endedAt, u.monoMs, 'interrupted', u.reason, u.note, u.noteWords);
      if (clip) this.s.logLine(`the clip of ${u.order} was sealed once its storage was back`);
    }
  }

  /** The answer to a chunk or finish for a recording that is not in progress here. */
  private async notRecording(id: string): Promise<PwError> {
    const stopped = this.stopped.get(id);
    if (stopped) return new PwError('ended', stopped.words ?? stopped.message);
    const row = await this.s.clips.get(id);
    if (!row || row.status === 'recording') return new PwError('not-found', msg('record-not-in-progress', { id }));
    const order = row.order_code;
    if (row.stop_reason === 'crash' || row.status === 'recovered') {
      return new PwError('ended', msg('record-ended-restart-recovered', { order }));
    }
    if (row.status === 'failed') return new PwError('ended', msg('record-ended-restart-failed', { order }));
    return new PwError('ended', msg('record-already-finished', { order, how: row.stop_reason ?? row.status }));
  }

  /**
   * Mid-recording and for recording.ready: the clips folder is still the station's (an unplugged
   * disk leaves an empty mount point, a folder moved away is gone) and `incoming` more bytes stay
   * above the reserve, after space retention when the settings allow it.
   */
  private async roomNow(settings: Settings, incoming: number): Promise<Room> {
    const dir = this.s.paths.clipsDir;
    const marked = await fsp.stat(path.join(dir, MARKER_FILE)).then(
      () => true,
      () => false,
    );
    if (!marked) return roomFor('storage', msg('fs-folder-gone', { dir }));
    let space: SpaceInfo;
    try {
      space = await spaceOf(dir, settings.reserveMb);
    } catch (err) {
      return roomFor('storage', fsErrorMessage(err, dir));
    }
    let low = lowSpace(space, incoming);
    if (low && settings.deleteOldestForSpace && this.s.ownsData) {
      await this.s.retention.run({ needBytes: incoming });
      space = await spaceOf(dir, settings.reserveMb).catch(() => space);
      low = lowSpace(space, incoming);
    }
    return low ? roomFor('disk-full', low) : null;
  }

  /**
   * Room for `incoming` more bytes above the reserve? Runs space retention first when the settings
   * allow it. At start it throws a refusal (nothing has been created yet); mid-recording it returns
   * the reason so the caller can finish the clip with what already arrived.
   */
  private async ensureRoom(settings: Settings, incoming: number, atStart: boolean): Promise<string | null> {
    if (atStart) incoming = Math.max(incoming, startHeadroomBytes(settings.videoBitsPerSecond));
    let space: SpaceInfo;
    if (atStart) {
      space = await checkBeforeRecording(this.s.paths, settings.reserveMb);
    } else {
      try {
        space = await spaceOf(this.s.paths.clipsDir, settings.reserveMb);
      } catch (err) {
        return describeFsError(err, this.s.paths.clipsDir);
      }
    }
    let low = lowSpaceMessage(space, incoming);
    let why: string | null = null;
    if (low && settings.deleteOldestForSpace && this.s.ownsData) {
      why = (await this.s.retention.run({ needBytes: incoming })).message;
      space = await spaceOf(this.s.paths.clipsDir, settings.reserveMb).catch(() => space);
      low = lowSpaceMessage(space, incoming);
    }
    // Only protected or held clips left: besides the refusal, the alarm goes to the Status view and
    // every open page, as the hourly run raises it (at most every 10 minutes, not at every scan).
    if (low && why && atStart && Date.now() - this.spaceAlarmAt > 600_000) {
      this.spaceAlarmAt = Date.now();
      this.s.reportProblem(why);
    }
    if (low && atStart) {
      // Coded when the sentence is only the space's (retention's own reason stays its English text).
      const words = why ? null : lowSpace(space, incoming);
      if (words)
        throw new PwError(
          'refused',
          msg(
            words.code === 'space-below-reserve' ? 'record-refused-below-reserve' : 'record-refused-near-reserve',
            words.params as { free: string; dir: string; reserve: string },
          ),
        );
      throw new PwError('refused', `Recording refused: ${why ?? low} Nothing was recorded.`);
    }
    return low;
  }

  private spaceAlarmAt = 0;

  /**
   * The first step of shutting down: no new recording, and each one in progress is finished from
   * what has arrived, with every open page told before the doors close (serve calls this first).
   */
  announceShutdown(): void {
    this.closing = true;
    for (const s of [...this.sessions.values()]) {
      this.endRecording(s, 'shutdown', msg('record-ended-shutdown', { order: s.order }), 'shutdown', 'ok', msg('note-shutdown'));
    }
  }
}
