// The one contract between the UI and the engine. Both doors (Electron IPC and HTTP) carry exactly
// these calls and events; the engine validates every input with these schemas before acting on it,
// and the UI's API type is derived from this object so the two sides cannot drift apart.
import { z } from 'zod';
import { formatMessage, Message } from './messages.ts';
import { ClipEvidence, evidenceCalls } from './contract/evidence.ts';
import { storageCalls } from './contract/storage.ts';
import { exportCalls, exportEvents } from './contract/export.ts';
import { stationCalls, stationSettingsFields } from './contract/station.ts';
import { continuityCalls } from './contract/continuity.ts';
import { ClipLabels, labelSettingsFields } from './contract/labels.ts';
import { hubCalls } from './contract/hub.ts';

export const ClipStatus = z.enum(['ok', 'recovered', 'interrupted', 'failed']);
export type ClipStatus = z.infer<typeof ClipStatus>;

export const Mode = z.enum(['shipping', 'returns']);
export type Mode = z.infer<typeof Mode>;

export const StopReason = z.enum([
  'next-scan', // a different code was scanned: this clip ends, the next starts
  'same-code', // the code being recorded was scanned again
  'stop-button',
  'stop-code', // the STOP control code
  'auto-max-duration',
  'auto-idle',
  'camera-lost',
  'camera-stalled', // the camera kept its track but gave no picture (renderer/src/station/cameraHealth.ts)
  'shutdown',
  'page-closed',
  'disk-full', // the storage folder ran into its free-space reserve or became unwritable
  'chunks-refused', // a second of video never reached the engine: the clip ends before the hole
  'station-unreachable', // the page could not reach the engine (killed, restarting, network gone)
]);
export type StopReason = z.infer<typeof StopReason>;

// Every reason a clip's row can carry: the page's reasons above, and two only the engine writes.
// A page cannot send these (recording.stop accepts StopReason alone).
export const ClipStopReason = z.enum([
  ...StopReason.options,
  'crash', // the station stopped mid-recording; the clip was recovered from its chunks at the next start
  'adopted', // a video found in the clips folder without a row, indexed and sealed by the doctor
]);
export type ClipStopReason = z.infer<typeof ClipStopReason>;

// Why the engine ended (or will not start) a recording on its own: the page leaves its recording
// state on this, in the alarm colour, and refuses scans until recording.ready says it can record.
export const RecordingEndCause = z.enum([
  'disk-full', // the disk of the clips folder ran into its free-space reserve (or is full)
  'storage', // the clips folder is gone, read-only or failing
  'chunks-refused', // video arrived out of order or broken: the clip would have a hole
  'page-closed', // no video arrived for a long time (the page was closed or lost its connection)
  'shutdown', // the station is shutting down
  'restarted', // the station restarted (or was killed) and no longer knows this recording
]);
export type RecordingEndCause = z.infer<typeof RecordingEndCause>;

const IsoTime = z.string();

export const Clip = z.object({
  id: z.string(),
  order: z.string(),
  station: z.string(),
  operator: z.string().nullable(),
  mode: Mode,
  startedAt: IsoTime, // ISO 8601 with milliseconds, UTC
  endedAt: IsoTime,
  durationMs: z.number(),
  sizeBytes: z.number(),
  // A clip is named by stationId + id (+ sha256); where a store keeps its MP4 is that store's detail
  // and never crosses a door (the station's CLI asks its local store for the path).
  stationId: z.string(), // the station key's SHA-256 fingerprint, as the hub names the station
  fileName: z.string(), // the MP4's name, the same on every copy (its manifest names it); '' while recording
  sha256: z.string(),
  status: ClipStatus,
  stopReason: ClipStopReason.nullable(),
  note: z.string().nullable(),
  noteWords: z.array(Message).nullable().optional(), // the note as codes the UI words; absent or null: English only
  mediaUrl: z.string(), // where either door serves the file (Range supported), built from the clip's id
  thumbUrl: z.string().nullable(),
  evidence: ClipEvidence.nullable().optional(), // chain entry, signature, trusted time
  legalHold: z.boolean().optional(), // a dispute is open: retention never deletes this clip
  holdReason: z.string().nullable().optional(),
  labels: ClipLabels.nullable().optional(), // what the camera read while it recorded
});
export type Clip = z.infer<typeof Clip>;

export const PreviousClip = z.object({
  id: z.string(),
  startedAt: IsoTime,
  station: z.string(),
  mode: Mode,
});

export const Settings = z.object({
  stationName: z.string().min(1).max(60),
  width: z.number().int().min(320).max(3840),
  height: z.number().int().min(240).max(2160),
  fps: z.number().int().min(5).max(60),
  videoBitsPerSecond: z.number().int().min(250_000).max(20_000_000),
  minClipMs: z.number().int().min(0).max(60_000),
  maxClipMs: z
    .number()
    .int()
    .min(0)
    .max(4 * 3600_000), // 0 = no limit
  cameraDeviceId: z.string().max(500).nullable(),
  // Desktop app (door 1): the shell grants the microphone only when this is on, and registers
  // itself to start at login from startAtLogin. The HTTP door stores them but has no use for them.
  microphone: z.boolean(),
  startAtLogin: z.boolean(),
  // Storage (electron/engine/storage.ts, retention.ts). reserveMb null = automatic for the disk.
  // The clips folder for the NEXT start (null = <data>/clips); checked when saved (engine/clipsDirSetting.ts).
  // `--clips` overrides it for one run. The folder in use now is station.info's clipsDir.
  clipsDir: z
    .string()
    .max(1000)
    .regex(/^(\/|[A-Za-z]:[\\/]|\\\\)/, 'must be an absolute path (like /mnt/clips or D:\\Clips)')
    .nullable(),
  reserveMb: z.number().int().min(0).max(10_000_000).nullable(),
  keepDays: z.number().int().min(0).max(36_500), // 0 = keep forever (until space runs short)
  deleteOldestForSpace: z.boolean(), // retention frees space above the reserve, oldest first
  // Clips younger than this are never deleted to make room (retention.ts; default in settingsStore.ts).
  protectDays: z.number().int().min(1).max(36_500),
  // RFC 3161 timestamp authorities, tried in order for every sealed clip (evidence/tsa.ts). [] = none.
  tsaUrls: z
    .array(
      z
        .string()
        .max(500)
        .regex(/^https?:\/\/\S+$/i, 'must be an http:// or https:// URL'),
    )
    .max(10),
  // TSA certificates (PEM, one certificate each) that check tokens carrying none, and anchor chains (evidence/tsaTrust.ts).
  tsaCerts: z
    .array(
      z
        .string()
        .max(20_000)
        .regex(/^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----\s*$/, 'must be a PEM certificate'),
    )
    .max(20),
  ...stationSettingsFields, // scanner rules, auto stop, sounds, language, second camera, first run
  ...labelSettingsFields, // reading the label with the camera
});
export type Settings = z.infer<typeof Settings>;

// Which way a call reached the engine: the desktop window (IPC), a browser (HTTP), or the
// packwitness command itself. Recorded with what the call leaves behind (an export's actor).
export const Door = z.enum(['ipc', 'http', 'cli']);
export type Door = z.infer<typeof Door>;

export const StationInfo = z.object({
  stationName: z.string(),
  version: z.string(),
  dataDir: z.string(),
  clipsDir: z.string(),
  clipCount: z.number(),
  door: Door,
  settings: Settings,
  problems: z.array(z.string()),
});
export type StationInfo = z.infer<typeof StationInfo>;

const Id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'not a valid id');
const Empty = z.object({}).strict();

// Order codes are checked by parseOrderCode in the engine so the refusal can say which character
// was wrong; the schema only bounds the size of what crosses the door.
const RawOrder = z.string().max(10_000);

export const contract = {
  'station.info': { input: Empty, output: StationInfo },
  'recording.start': {
    input: z
      .object({
        order: RawOrder,
        mimeType: z.string().max(100),
        mode: Mode.default('shipping'),
        operator: z.string().max(60).nullable().default(null),
      })
      .strict(),
    output: z.object({
      recordingId: z.string(),
      order: z.string(),
      startedAt: IsoTime,
      previous: z.array(PreviousClip),
    }),
  },
  'recording.chunk': {
    input: z
      .object({
        recordingId: Id,
        seq: z.number().int().min(0).max(1_000_000),
        data: z.instanceof(Uint8Array),
      })
      .strict(),
    output: z.object({ bytes: z.number() }),
  },
  'recording.finish': {
    input: z
      .object({
        recordingId: Id,
        reason: StopReason,
        chunkCount: z.number().int().min(0).max(1_000_000),
        status: z.enum(['ok', 'interrupted']).default('ok'),
        note: z.string().max(500).nullable().default(null),
        noteWords: z.array(Message).max(8).optional(), // the note as codes (its English is `note`), so the lookup words it
        labels: ClipLabels.nullable().optional(), // sealed into the manifest
      })
      .strict(),
    output: z.object({ clip: Clip.nullable(), message: z.string().nullable(), words: z.array(Message).optional() }), // words: the message as codes
  },
  'recording.discard': {
    input: z.object({ recordingId: Id, reason: z.string().max(200) }).strict(),
    output: z.object({ discarded: z.boolean() }),
  },
  // Cheap: whether a recording.start now would be accepted (folder ours and writable, above the
  // reserve, not shutting down). The page asks it while it refuses scans after the engine ended one.
  'recording.ready': {
    input: Empty,
    output: z.object({ ready: z.boolean(), cause: RecordingEndCause.nullable(), message: z.string().nullable(), words: Message.nullable().optional() }),
  },
  'clips.search': {
    input: z
      .object({
        q: z.string().max(200).default(''),
        from: z.number().int().nullable().default(null), // epoch ms, inclusive
        to: z.number().int().nullable().default(null), // epoch ms, exclusive
        mode: Mode.nullable().default(null),
        limit: z.number().int().min(1).max(500).default(100),
        offset: z.number().int().min(0).default(0),
      })
      .strict(),
    output: z.object({ clips: z.array(Clip), total: z.number() }),
  },
  'clips.get': { input: z.object({ id: Id }).strict(), output: Clip },
  'clips.stats': {
    input: z
      .object({
        from: z.number().int(), // epoch ms, inclusive
        to: z.number().int().nullable().default(null), // epoch ms, exclusive
      })
      .strict(),
    output: z.object({
      shipping: z.object({ count: z.number(), avgDurationMs: z.number().nullable() }),
      returns: z.object({ count: z.number(), avgDurationMs: z.number().nullable() }),
    }),
  },
  'clips.today': {
    input: Empty,
    output: z.object({ count: z.number(), avgDurationMs: z.number().nullable(), clips: z.array(Clip) }),
  },
  // Recordings of one order thrown away at the station (PW:DISCARD scanned twice, or the Discard
  // button): when, where, whose clip and why, from the clips that carry a signed 'discarded' chain entry.
  'clips.discarded': {
    input: z.object({ order: z.string().min(1).max(200) }).strict(),
    output: z.object({
      discards: z.array(
        z.object({
          order: z.string(),
          startedAt: IsoTime,
          discardedAt: IsoTime,
          station: z.string(),
          operator: z.string().nullable(),
          mode: Mode,
          reason: z.string(),
        }),
      ),
    }),
  },
  'settings.get': { input: Empty, output: Settings },
  'settings.update': { input: Settings.partial().strict(), output: Settings },
  ...evidenceCalls,
  ...storageCalls,
  ...exportCalls,
  ...stationCalls,
  ...continuityCalls,
  ...hubCalls,
} as const;

export type Contract = typeof contract;
export type CallName = keyof Contract;
export type CallInput<K extends CallName> = z.input<Contract[K]['input']>;
export type CallParsed<K extends CallName> = z.output<Contract[K]['input']>;
export type CallOutput<K extends CallName> = z.output<Contract[K]['output']>;

/** What the UI sees: one async function per call, whichever door carries it. */
export type Api = { [K in CallName]: (input: CallInput<K>) => Promise<CallOutput<K>> };
/** What the engine implements: inputs arrive already validated and defaulted. */
export type Handlers = { [K in CallName]: (input: CallParsed<K>) => Promise<CallOutput<K>> };

export const events = {
  'clip.saved': Clip,
  // A saved clip's thumbnail is ready: it is cut after clip.saved, so lists showing that clip draw it now.
  'clip.thumbnail': z.object({ id: z.string(), thumbUrl: z.string() }),
  'recording.started': z.object({ recordingId: z.string(), order: z.string() }),
  'recording.recovered': z.object({ clips: z.array(Clip), message: z.string() }),
  // The engine ended a recording on its own; message says why and what to do.
  'recording.ended': z.object({ recordingId: z.string(), order: z.string(), cause: RecordingEndCause, message: z.string(), words: Message.optional() }),
  'station.problem': z.object({ message: z.string(), words: Message.optional() }), // words: the message as a code, when it is one
  'settings.changed': Settings,
  ...exportEvents,
} as const;
export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.infer<(typeof events)[E]>;
/** Every event as one discriminated union: checking `event` narrows `payload` to that event's shape. */
export type EngineEvent = { [E in EventName]: { event: E; payload: EventPayload<E> } }[EventName];

/** Pairs a listener's (event, payload) into the union, so a listener reads payloads without casts. */
export function engineEvent<E extends EventName>(event: E, payload: EventPayload<E>): EngineEvent {
  // The mapped union above is exactly this pair for each E; TypeScript cannot see that through a generic.
  return { event, payload } as EngineEvent;
}

export const callNames = Object.keys(contract) as CallName[];
export const eventNames = Object.keys(events) as EventName[];

export function isCallName(name: unknown): name is CallName {
  return typeof name === 'string' && Object.hasOwn(contract, name);
}

// 'ended': a chunk or finish for a recording the engine already ended (or no longer knows after a restart).
export type ErrorCode = 'bad-input' | 'not-found' | 'refused' | 'unauthorized' | 'too-large' | 'rate-limited' | 'internal' | 'ended';
export interface WireError {
  code: ErrorCode;
  message: string;
  /** The message as a code the UI words in its language (shared/messages.ts), when the engine has one. */
  words?: Message;
}

/** What a call answers on either door. */
export type WireResult = { ok: true; result: unknown } | { ok: false; error: WireError };

/** An error the engine means the user to read. Anything else is reported as 'internal'. */
export class PwError extends Error {
  readonly code: ErrorCode;
  readonly words: Message | undefined;
  /** message: the English text, or a coded message (its English text made by formatMessage). */
  constructor(code: ErrorCode, message: string | Message) {
    super(typeof message === 'string' ? message : formatMessage(message));
    this.code = code;
    this.words = typeof message === 'string' ? undefined : message;
  }
}

/** Turns a zod failure into one sentence naming the field, for a person to read. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}

export function parseInput<K extends CallName>(name: K, input: unknown): CallParsed<K> {
  const result = contract[name].input.safeParse(input ?? {});
  if (!result.success) throw new PwError('bad-input', `${name}: ${describeIssues(result.error)}`);
  return result.data as CallParsed<K>;
}
