// The station's camera reading: what the label worker reads becomes scans (through the station's
// own scan entry point, so every scan rule applies), and what it reads while a clip records becomes
// that clip's label evidence (sealed into its manifest) and an immediate flag when the picture shows
// another tracking number than the one the clip is filed under.
import type { Settings } from '../../../shared/contract.ts';
import type { ClipLabels } from '../../../shared/contract/labels.ts';
import type { CodeRules } from '../../../shared/codePatterns.ts';
import {
  cameraCodeVerdict,
  cameraMayDrive,
  ClipLabelLog,
  readableFormats,
  Steadiness,
  type CameraReading,
  type FrameRead,
} from '../../../shared/labelRules.ts';
import type { Msg } from '../../../shared/stationMachine.ts';
import { LabelReader } from './labelReader.ts';
import type { LabelWorkerOptions } from './labelProtocol.ts';

export type ScanSource = 'camera' | 'scanner';

export interface CameraLabelsHost {
  settings(): Settings | null;
  rules(): CodeRules;
  /** The clip being recorded now, if any (startedAt: performance.now() of its start). */
  recording(): { recordingId: string; order: string; startedAt: number; source: ScanSource } | null;
  scan(code: string): void;
  flag(code: string, msg: Msg): void;
  note(code: string, msg: Msg): void;
  problem(message: string): void;
}

const KEEP_LOGS = 6;

export class CameraLabels {
  private readonly host: CameraLabelsHost;
  private reader: LabelReader | null = null;
  private steady = new Steadiness();
  /** Per recording id: what the camera read while it recorded. */
  private readonly logs = new Map<string, { log: ClipLabelLog; order: string; source: ScanSource; taken: Set<string>; flagged: Set<string> }>();
  private active: string | null = null;
  /** Codes the camera took that were refused (a product box): said once while they stay in the picture. */
  private readonly noted = new Set<string>();

  constructor(host: CameraLabelsHost) {
    this.host = host;
  }

  private reading(): CameraReading {
    return this.host.settings()?.cameraReading ?? 'off';
  }

  private workerOptions(): LabelWorkerOptions {
    const s = this.host.settings();
    return { formats: readableFormats(s?.cameraFormats ?? []), rate: s?.cameraReadRate ?? 6, region: s?.cameraReadRegion ?? null };
  }

  /** The camera (re)opened: read its picture when camera reading is on. */
  attach(track: MediaStreamTrack | null): void {
    this.detach();
    if (!track || this.reading() === 'off') return;
    this.steady = new Steadiness();
    const r = new LabelReader(track, this.workerOptions());
    r.onFrame = (now, reads) => this.frame(now, reads);
    r.onProblem = (m) => this.host.problem(m);
    this.reader = r;
  }

  detach(): void {
    this.reader?.close();
    this.reader = null;
  }

  /** Settings changed: reading turned on or off, or its formats, rate or region. */
  applySettings(prev: Settings | null, next: Settings, track: MediaStreamTrack | null): void {
    if ((prev?.cameraReading ?? 'off') === 'off' || next.cameraReading === 'off') {
      if ((prev?.cameraReading ?? 'off') !== next.cameraReading) this.attach(track);
      return;
    }
    this.reader?.setOptions(this.workerOptions());
  }

  /** Per code: in how many decoded frames it was read (for the bench's read rate); decoded = frames actually decoded. */
  private readonly counts = { decoded: 0, byCode: new Map<string, number>() };

  get stats() {
    if (!this.reader) return null;
    return { ...this.reader.stats, problem: this.reader.problem, decodedHere: this.counts.decoded, readsByCode: Object.fromEntries(this.counts.byCode) };
  }

  private frame(now: number, reads: FrameRead[] | 'unchanged'): void {
    const rec = this.host.recording();
    const entry = this.logFor(rec);
    const lastReads = reads === 'unchanged' ? (this.lastFrame ?? []) : reads;
    if (reads !== 'unchanged') {
      this.lastFrame = reads;
      this.counts.decoded++;
      for (const code of new Set(reads.map((r) => r.text)))
        if (this.counts.byCode.size < 200 || this.counts.byCode.has(code)) this.counts.byCode.set(code, (this.counts.byCode.get(code) ?? 0) + 1);
    }
    entry?.log.add(now, lastReads);
    const taken = this.steady.observe(now, reads === 'unchanged' ? 'unchanged' : reads.map((r) => r.text));
    for (const code of taken) this.take(code, rec, entry);
    // Codes refused earlier may be said again once they have left the picture.
    for (const code of [...this.noted]) if (!this.steady.isTaken(code)) this.noted.delete(code);
    if (rec && entry) this.checkMismatch(rec.order, entry);
  }
  private lastFrame: FrameRead[] | null = null;

  /** A clip started: its log begins now, with what the last decoded frame showed (the picture at its start). */
  clipStarted(): void {
    if (this.reader) this.logFor(this.host.recording());
  }

  private logFor(rec: ReturnType<CameraLabelsHost['recording']>) {
    if (!rec) {
      this.active = null;
      return null;
    }
    let entry = this.logs.get(rec.recordingId);
    if (!entry) {
      entry = { log: new ClipLabelLog(rec.startedAt), order: rec.order, source: rec.source, taken: new Set(), flagged: new Set() };
      // A clip the camera started counts its own label as already taken in it.
      if (rec.source === 'camera') entry.taken.add(rec.order);
      const prev = this.active ? this.logs.get(this.active) : undefined;
      // A camera switch: the previous parcel's label leaving the picture is no mismatch here, and
      // the label shown to switch is none in the previous clip.
      if (prev && rec.source === 'camera') {
        entry.log.exclude(prev.order);
        prev.log.exclude(rec.order);
      }
      // The picture at the start: the last decoded frame (at most one decode interval old) shows
      // what is in front of the camera now, such as the label that started this clip.
      if (this.lastFrame?.length) entry.log.add(rec.startedAt, this.lastFrame);
      this.logs.set(rec.recordingId, entry);
      while (this.logs.size > KEEP_LOGS) this.logs.delete(this.logs.keys().next().value!);
    }
    this.active = rec.recordingId;
    return entry;
  }

  private take(code: string, rec: ReturnType<CameraLabelsHost['recording']>, entry: ReturnType<CameraLabels['logFor']>): void {
    const verdict = cameraCodeVerdict(code, this.host.rules());
    if (verdict === 'control') {
      this.host.scan(code);
      return;
    }
    if (verdict !== 'label') {
      // A product box or an SKU sticker in the picture: never a scan; said once, without an alarm.
      if (!this.noted.has(code)) {
        this.noted.add(code);
        this.host.note(code, { key: verdict === 'product' ? 'label.productIgnored' : 'label.unknownIgnored', params: { code } });
      }
      return;
    }
    if (!cameraMayDrive(this.reading(), rec !== null, rec?.source ?? null)) return; // checkMismatch flags it
    if (rec && entry && code === rec.order) {
      // The clip's own label: the first sighting in a scanned clip confirms it; shown again after
      // it left the picture, it stops the clip (unless the station is set to only note it).
      if (!entry.taken.has(code)) {
        entry.taken.add(code);
        return;
      }
      if (!this.host.settings()?.cameraRepeatStops) return;
    } else if (rec && entry) {
      entry.log.exclude(code); // it switches: it will be the next clip's own label
    }
    this.host.scan(code);
  }

  private checkMismatch(order: string, entry: NonNullable<ReturnType<CameraLabels['logFor']>>): void {
    for (const code of entry.log.verdict(order, this.host.rules()).mismatch) {
      if (entry.flagged.has(code)) continue;
      // A different label the camera is about to switch to is not a mismatch: only codes that
      // counted and could not drive the station (or stay in the picture after a scan) are.
      if (!this.steady.isTaken(code) && cameraMayDrive(this.reading(), true, entry.source)) continue;
      entry.flagged.add(code);
      this.host.flag(code, { key: 'label.mismatch', params: { order, code } });
    }
  }

  /** The label evidence of a finished clip, for recording.finish; null when the camera was not reading. */
  clipLabels(recordingId: string, order: string): ClipLabels | null {
    const entry = this.logs.get(recordingId);
    if (!entry) return null;
    this.logs.delete(recordingId);
    if (this.active === recordingId) this.active = null;
    const { seenAtMs, mismatch } = entry.log.verdict(order, this.host.rules());
    return { source: entry.source, reads: entry.log.list(), seenAtMs, mismatch };
  }
}
