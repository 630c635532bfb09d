// The station's side of the hub protocol (docs/hub.md): enrollment, the hub's identity check and
// the signed calls a publisher makes. It keeps no state: the caller (the station's outbox) stores
// the pinned hub key and decides when to retry. Every answer is parsed with the shared schemas
// and every confirmation (receipt) is checked against the pinned hub key before it is believed.
import { createHash, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import fs from 'node:fs/promises';
import type { z } from 'zod';
import {
  BeginResponse,
  ChainResponse,
  ClipStateResponse,
  CompleteResponse,
  EnrollResponse,
  ENROLL_CODE_RE,
  HelloResponse,
  HoldsResponse,
  HUB_API,
  HubErrorBody,
  PART_DIGEST_HEADER,
  enrollProofText,
  helloText,
  md5BodyField,
  receiptSigningBytes,
  requestSigningText,
  type ChainEntryWire,
  type ChainResult,
  type ClipWire,
  type HubHold,
  type HubReceipt,
} from '../../../shared/hubWire.ts';
import { fingerprintOf, verifyBytes } from '../../engine/evidence/keys.ts';
import { requestSignal } from '../../engine/requestSignal.ts';
import { httpSend, type RawAnswer } from './httpSend.ts';
import { errorMessage } from '../../../shared/errorMessage.ts';

export type { ChainEntryWire, ChainResult, ClipWire, HubHold, HubReceipt };

export type HubErrorCode = 'unreachable' | 'impostor' | 'unauthorized' | 'refused' | 'bad-response';

/**
 * - unreachable: network failure or 5xx: retry with back-off;
 * - unauthorized: 401/403 (not enrolled, a bad or used code);
 * - refused: the hub checked and refused these bytes (422, or a part it found damaged: 400):
 *   do not send the same bytes again, raise an alarm; `hubCode` says why (hash-mismatch, …);
 * - impostor: the hub did not prove the pinned key (a look-alike on the LAN);
 * - bad-response: the answer was not what the protocol says (or its receipt did not verify).
 */
export class HubError extends Error {
  readonly code: HubErrorCode;
  readonly detail?: string;
  /** The hub's own error code (bad-code, hash-mismatch, bad-signature, …) when it sent one. */
  readonly hubCode?: string;
  readonly status?: number;
  constructor(code: HubErrorCode, message: string, opts: { detail?: string; hubCode?: string; status?: number; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'HubError';
    this.code = code;
    if (opts.detail !== undefined) this.detail = opts.detail;
    if (opts.hubCode !== undefined) this.hubCode = opts.hubCode;
    if (opts.status !== undefined) this.status = opts.status;
  }
}

export interface StationSigner {
  fingerprint: string;
  publicKeyPem: string;
  sign(data: Buffer): Buffer;
}

export interface EnrollResult {
  hubUrl: string;
  hubFingerprint: string;
  hubName: string;
  hubPublicKeyPem: string;
  enrolledAt: number;
}

export interface HubClientConfig {
  url: string;
  hubFingerprint: string;
  hubPublicKeyPem: string;
  station: StationSigner;
  /** Per request (default 30 s; a part of 8 MiB on a slow link needs it). */
  timeoutMs?: number;
}

export type PublishClipInput = {
  sha256: string;
  size: number;
  row: ClipWire;
  manifest: Buffer;
  signature: Buffer;
  tsr: Buffer | null;
  chainSeq: number;
} & (
  | {
      /** The MP4 on this machine's disk. */
      file: string;
    }
  | {
      /** Or the clip's bytes start..end (inclusive), read through the station's clip store. */
      read: (start: number, end: number) => Promise<Buffer>;
    }
);

/** Where the parts of a clip are read from: a file opened once, or the station's clip store. */
async function openClipBytes(clip: PublishClipInput): Promise<{ name: string; read(start: number, len: number): Promise<Buffer>; close(): Promise<void> }> {
  if ('read' in clip) return { name: `clip ${clip.row.clipId}`, read: (start, len) => clip.read(start, start + len - 1), close: async () => {} };
  const fh = await fs.open(clip.file, 'r');
  return {
    name: clip.file,
    read: async (start, len) => {
      // Filled by the read; only what it read is used.
      const bytes = Buffer.allocUnsafe(len);
      const { bytesRead } = await fh.read(bytes, 0, len, start);
      return bytes.subarray(0, bytesRead);
    },
    close: () => fh.close(),
  };
}

export interface HubClient {
  /** Proves the hub holds the pinned key; 'impostor' otherwise. Call before every publishing round. */
  hello(): Promise<void>;
  publishChain(entries: ChainEntryWire[]): Promise<{ results: ChainResult[]; head: number }>;
  publishClip(clip: PublishClipInput, opts?: { signal?: AbortSignal; onPart?: (n: number, of: number) => void }): Promise<HubReceipt>;
  publishTsr(sha256: string, tsr: Buffer): Promise<void>;
  clipState(sha256: string): Promise<{ state: 'confirmed'; receipt: HubReceipt } | { state: 'missing' }>;
  holds(since: number): Promise<HubHold[]>;
}

const DEFAULT_TIMEOUT_MS = 30_000;

function baseUrl(url: string): string {
  return url.replace(/\/+$/, '');
}

const sha256Hex = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/**
 * True when the request died on a pooled connection the hub (or a proxy) had closed while idle: the
 * close and the request's reuse of that socket crossed, so the hub never read the request. Seen when
 * the station's event loop was busy past the hub's keep-alive time.
 */
function connectionReset(err: unknown): boolean {
  const code = (err as { code?: string } | undefined)?.code;
  return code === 'ECONNRESET' || code === 'EPIPE';
}

async function send(
  url: string,
  init: { method: string; headers?: Record<string, string>; body?: Buffer; timeoutMs: number; signal?: AbortSignal },
): Promise<RawAnswer> {
  try {
    return await sendOnce(url, init);
  } catch (err) {
    // Every hub call is idempotent (entries and clips are keyed by their hashes, reads are reads),
    // so one retry on a fresh connection is safe; a second reset is the hub's answer.
    if (!(err instanceof HubError) || !connectionReset(err.cause)) throw err;
    return sendOnce(url, init);
  }
}

async function sendOnce(
  url: string,
  init: { method: string; headers?: Record<string, string>; body?: Buffer; timeoutMs: number; signal?: AbortSignal },
): Promise<RawAnswer> {
  // The publisher's signal lives as long as the station: requestSignal leaves nothing on it (AbortSignal.any would).
  const signal = requestSignal(init.timeoutMs, init.signal);
  try {
    return await httpSend(url, { method: init.method, headers: init.headers ?? {}, ...(init.body ? { body: init.body } : {}), signal: signal.signal });
  } catch (err) {
    if (init.signal?.aborted) throw init.signal.reason ?? err;
    throw new HubError('unreachable', `the hub at ${url} did not answer: ${errorMessage(err)}`, { cause: err });
  } finally {
    signal.release();
  }
}

/** Maps a non-2xx answer to the error the outbox acts on. */
function errorOf(a: RawAnswer, what: string): HubError {
  let hubCode: string | undefined;
  let message: string | undefined;
  try {
    const parsed = HubErrorBody.safeParse(JSON.parse(a.body.toString('utf8')));
    if (parsed.success) {
      hubCode = parsed.data.error.code;
      message = parsed.data.error.message;
    }
  } catch {
    // not JSON: a proxy's page
  }
  const detail = [hubCode, message].filter(Boolean).join(': ') || `HTTP ${a.status}`;
  const opts = { detail, status: a.status, ...(hubCode ? { hubCode } : {}) };
  if (a.status >= 500 || a.status === 429 || a.status === 408)
    return new HubError('unreachable', `${what}: the hub is not able to answer now (${detail})`, opts);
  if (a.status === 401 || a.status === 403) return new HubError('unauthorized', `${what}: the hub refused this station (${detail})`, opts);
  if (a.status === 422 || (a.status === 400 && (hubCode === 'bad-part' || hubCode === 'bad-digest'))) {
    return new HubError('refused', `${what}: the hub checked and refused it (${detail})`, opts);
  }
  return new HubError('bad-response', `${what}: unexpected answer (${detail})`, opts);
}

function parseJson<S extends z.ZodType>(schema: S, a: RawAnswer, what: string): z.infer<S> {
  let value: unknown;
  try {
    value = JSON.parse(a.body.toString('utf8'));
  } catch {
    throw new HubError('bad-response', `${what}: the answer is not JSON`);
  }
  const r = schema.safeParse(value);
  if (!r.success) throw new HubError('bad-response', `${what}: the answer does not follow the protocol (${r.error.issues[0]?.message ?? ''})`);
  return r.data;
}

/** Asks the hub to sign a fresh nonce; returns its key when the signature holds. */
async function helloAt(url: string, timeoutMs: number): Promise<{ key: KeyObject; fingerprint: string; pem: string }> {
  const nonce = randomBytes(16).toString('hex');
  const a = await send(`${baseUrl(url)}${HUB_API}/hello?nonce=${nonce}`, { method: 'GET', timeoutMs });
  if (a.status !== 200) throw errorOf(a, 'hello');
  const h = parseJson(HelloResponse, a, 'hello');
  let key: KeyObject;
  try {
    key = createPublicKey(h.hubPublicKeyPem);
  } catch {
    throw new HubError('impostor', 'the hub sent a key that cannot be read');
  }
  const fingerprint = fingerprintOf(key);
  if (fingerprint !== h.hubFingerprint || !verifyBytes(key, Buffer.from(helloText(nonce), 'utf8'), Buffer.from(h.signature, 'base64'))) {
    throw new HubError('impostor', 'the hub could not prove it holds the key it names');
  }
  return { key, fingerprint, pem: h.hubPublicKeyPem };
}

/**
 * Enrolls a station with a one-time code from `packwitness hub enroll-code`. Before anything is
 * sent, the hub must prove it holds a key whose fingerprint starts with the code's last part: a
 * look-alike on the LAN gets neither the code nor the station's key.
 */
export async function enrollStation(
  hubUrl: string,
  code: string,
  station: StationSigner & { name: string },
  opts: { timeoutMs?: number } = {},
): Promise<EnrollResult> {
  const m = ENROLL_CODE_RE.exec(code.trim());
  if (!m) throw new HubError('unauthorized', 'this is not an enrollment code (PWE1-…-…)', { hubCode: 'bad-code' });
  const cleanCode = code.trim();
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const hub = await helloAt(hubUrl, timeoutMs);
  if (!hub.fingerprint.startsWith(m[2]!)) {
    throw new HubError('impostor', `the hub at ${hubUrl} has key ${hub.fingerprint.slice(0, 16)}…, not the ${m[2]}… the code names`);
  }
  const body = Buffer.from(
    JSON.stringify({
      code: cleanCode,
      name: station.name,
      publicKeyPem: station.publicKeyPem,
      fingerprint: station.fingerprint,
      proof: station.sign(Buffer.from(enrollProofText(cleanCode), 'utf8')).toString('base64'),
    }),
  );
  const a = await send(`${baseUrl(hubUrl)}${HUB_API}/enroll`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, timeoutMs });
  if (a.status !== 200) throw errorOf(a, 'enroll');
  const r = parseJson(EnrollResponse, a, 'enroll');
  if (r.hubFingerprint !== hub.fingerprint || r.stationFingerprint !== station.fingerprint) {
    throw new HubError('impostor', 'the enrollment answer names another hub or station key than the one that proved itself');
  }
  return { hubUrl: baseUrl(hubUrl), hubFingerprint: r.hubFingerprint, hubName: r.hubName, hubPublicKeyPem: r.hubPublicKeyPem, enrolledAt: r.enrolledAt };
}

export function openHubClient(cfg: HubClientConfig): HubClient {
  const url = baseUrl(cfg.url);
  const timeoutMs = cfg.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const pinned = createPublicKey(cfg.hubPublicKeyPem);
  if (fingerprintOf(pinned) !== cfg.hubFingerprint) throw new HubError('impostor', 'the pinned hub key does not match the pinned fingerprint');

  const call = async (
    method: string,
    pathWithQuery: string,
    body: Buffer | null,
    extra: Record<string, string> = {},
    signal?: AbortSignal,
    /** The signed body field when it is not the body's SHA-256 (a part signed over its MD5). */
    bodyField?: string,
  ): Promise<RawAnswer> => {
    const p = `${HUB_API}${pathWithQuery}`;
    const time = Date.now();
    const bodyHash = bodyField ?? sha256Hex(body ?? Buffer.alloc(0));
    const signature = cfg.station.sign(Buffer.from(requestSigningText(method, p, time, bodyHash), 'utf8')).toString('base64');
    return send(`${url}${p}`, {
      method,
      headers: { 'x-pw-station': cfg.station.fingerprint, 'x-pw-time': String(time), 'x-pw-signature': signature, ...extra },
      ...(body ? { body } : {}),
      timeoutMs,
      ...(signal ? { signal } : {}),
    });
  };
  const json = (v: unknown): Buffer => Buffer.from(JSON.stringify(v), 'utf8');
  const JSON_TYPE = { 'content-type': 'application/json' };

  const checkReceipt = (r: HubReceipt, sha256: string): HubReceipt => {
    const { signature, ...fields } = r;
    if (r.sha256 !== sha256 || r.station !== cfg.station.fingerprint || !verifyBytes(pinned, receiptSigningBytes(fields), Buffer.from(signature, 'base64'))) {
      throw new HubError('bad-response', `the hub's receipt for ${sha256} does not verify with the pinned hub key`);
    }
    return r;
  };

  return {
    async hello() {
      let hub;
      try {
        hub = await helloAt(url, timeoutMs);
      } catch (err) {
        if (err instanceof HubError && err.code === 'bad-response') throw new HubError('impostor', err.message);
        throw err;
      }
      if (hub.fingerprint !== cfg.hubFingerprint) {
        throw new HubError('impostor', `the hub at ${url} has key ${hub.fingerprint.slice(0, 16)}…, not the pinned ${cfg.hubFingerprint.slice(0, 16)}…`);
      }
    },

    async publishChain(entries) {
      const a = await call('POST', '/chain', json({ entries }), JSON_TYPE);
      if (a.status !== 200) throw errorOf(a, 'chain');
      return parseJson(ChainResponse, a, 'chain');
    },

    async publishClip(clip, opts = {}) {
      const what = `clip ${clip.row.clipId}`;
      const b = await call('POST', `/clips/${clip.sha256}/begin`, json({ size: clip.size }), JSON_TYPE, opts.signal);
      if (b.status !== 200) throw errorOf(b, what);
      const begun = parseJson(BeginResponse, b, what);
      if (!begun.complete) {
        const count = Math.max(1, Math.ceil(clip.size / begun.partSize));
        const have = new Set(begun.parts);
        const source = await openClipBytes(clip);
        try {
          for (let n = 1; n <= count; n++) {
            if (have.has(n)) continue;
            opts.signal?.throwIfAborted();
            const start = (n - 1) * begun.partSize;
            const len = Math.min(begun.partSize, clip.size - start);
            const bytes = await source.read(start, len);
            if (bytes.length !== len) throw new Error(`${source.name} is shorter than its ${clip.size} bytes`);
            const md5 = createHash('md5').update(bytes).digest();
            // A hub that takes it gets the part signed over this MD5: one hash of the part, not two.
            const overMd5 = begun.partDigest === 'md5';
            const p = await call(
              'PUT',
              `/clips/${clip.sha256}/parts/${n}`,
              bytes,
              {
                'content-type': 'application/octet-stream',
                'content-md5': md5.toString('base64'),
                ...(overMd5 ? { [PART_DIGEST_HEADER]: 'md5' } : {}),
              },
              opts.signal,
              overMd5 ? md5BodyField(md5.toString('hex')) : undefined,
            );
            if (p.status !== 204 && p.status !== 200) throw errorOf(p, `${what} part ${n}`);
            opts.onPart?.(n, count);
          }
        } finally {
          await source.close();
        }
      }
      const c = await call(
        'POST',
        `/clips/${clip.sha256}/complete`,
        json({
          clip: clip.row,
          manifest: clip.manifest.toString('base64'),
          signature: clip.signature.toString('base64'),
          tsr: clip.tsr ? clip.tsr.toString('base64') : null,
          chainSeq: clip.chainSeq,
        }),
        JSON_TYPE,
        opts.signal,
      );
      if (c.status !== 200) throw errorOf(c, what);
      return checkReceipt(parseJson(CompleteResponse, c, what).receipt, clip.sha256);
    },

    async publishTsr(sha256, tsr) {
      const a = await call('POST', `/clips/${sha256}/tsr`, json({ tsr: tsr.toString('base64') }), JSON_TYPE);
      if (a.status !== 204 && a.status !== 200) throw errorOf(a, `token of ${sha256}`);
    },

    async clipState(sha256) {
      const a = await call('GET', `/clips/${sha256}/state`, null);
      if (a.status !== 200) throw errorOf(a, `state of ${sha256}`);
      const s = parseJson(ClipStateResponse, a, `state of ${sha256}`);
      return s.state === 'confirmed' ? { state: 'confirmed', receipt: checkReceipt(s.receipt, sha256) } : { state: 'missing' };
    },

    async holds(since) {
      const a = await call('GET', `/holds?since=${Math.max(0, Math.floor(since))}`, null);
      if (a.status !== 200) throw errorOf(a, 'holds');
      return parseJson(HoldsResponse, a, 'holds').holds;
    },
  };
}
