// What the hub does with each station request, apart from HTTP: enrollment, the station credential
// check, chain entries and clip uploads. It trusts nothing it has not checked:
// - every request is signed by an enrolled station key, within ±5 min of the hub's clock, and a
//   signature is taken once (replays are refused; the memory of them lives in the index, so any
//   hub process sharing the database refuses them too);
// - a chain entry is kept only when its hash, signature, seq and link to its held neighbours hold;
// - a clip is indexed only when its manifest is signed by the station's key, is the station's
//   chain entry at the named seq, names these bytes and this size, and the store hashed the stored
//   object again (completeUpload). Any mismatch is refused, kept out of the index and recorded as a
//   refusal (`hub doctor`), and the station is told why (422).
// Nothing that matters lives in this process: uploads under way are rows of the index and parts
// of the store, so a killed hub (or another hub process) carries on from there.
import { createHash, createPublicKey, type Hash, type KeyObject } from 'node:crypto';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import {
  type BeginResponse,
  type ChainEntryWire,
  type ChainResult,
  type ClipStateResponse,
  type CompleteRequest,
  type EnrollRequest,
  type EnrollResponse,
  type HelloResponse,
  type HubHold,
  type HubReceipt,
  PART_DIGEST_HEADER,
  REQUEST_WINDOW_MS,
  SHA256_HEX_RE,
  enrollProofText,
  helloText,
  md5BodyField,
  receiptSigningBytes,
  requestSigningText,
} from '../../../shared/hubWire.ts';
import { fingerprintOf, signBytes, verifyBytes } from '../../engine/evidence/keys.ts';
import { IndexConflictError, type HubIndex, type HubStation, type HubUpload } from '../index/types.ts';
import { StoreError, expectedPartSize, partCountFor, type ClipStore, type PutResult, type RelayedDigest, type UploadSession } from '../store/types.ts';
import { codeHash, type HubKey } from './identity.ts';

export class HubHttpError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'HubHttpError';
    this.status = status;
    this.code = code;
  }
}

const GENESIS_PREV = '0'.repeat(64);
const STATION_TTL_MS = 10_000;
const MAX_CACHED_STATIONS = 10_000;
/** Uploads whose running hash one hub process keeps at once (each ~ a few hundred bytes). */
const MAX_RELAYS = 10_000;
const sha256Hex = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

export interface SignedRequest {
  method: string;
  /** Path with query, from /hub/v1 on, as the station signed it. */
  pathWithQuery: string;
  headers: Record<string, string | string[] | undefined>;
  /**
   * The body, or null for a part that is streamed on after this check: it must be signed over its
   * MD5 (PART_DIGEST_HEADER), and the MD5 checked is its Content-MD5, which the store then holds
   * the bytes to as they pass (ClipStore.uploadPartStream).
   */
  body: Buffer | null;
  /**
   * For a streamed part: the SHA-256 its path names. Its upload row is then read in the same round
   * trip as the replay check and handed back (`upload`).
   */
  partOf?: string;
}

function header(h: SignedRequest['headers'], name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

export interface HubServiceOptions {
  index: HubIndex;
  store: ClipStore;
  key: HubKey;
  name: string;
  now?: () => number;
  /** Called with each refusal as it is recorded (the hub's log line: an alarm). */
  onRefusal?: (line: string) => void;
}

interface Relay {
  uploadId: string;
  /** The part number the running hash takes next. */
  next: number;
  hash: Hash;
  partMd5: string[];
  /** A part is streaming into the hash now: another copy of it must not go in too. */
  busy: boolean;
}

/** Hex of a Content-MD5 header (base64 of 16 bytes); '' when there is none or it is not one. */
function contentMd5Hex(v: string | undefined): string {
  const hex = v ? Buffer.from(v, 'base64').toString('hex') : '';
  return hex.length === 32 ? hex : '';
}

export class HubService {
  readonly index: HubIndex;
  readonly store: ClipStore;
  readonly key: HubKey;
  readonly name: string;
  private readonly now: () => number;
  private readonly onRefusal: (line: string) => void;
  private readonly stationKeys = new Map<string, KeyObject>();
  /**
   * Enrolled stations as read lately, by fingerprint, so that each of a clip's requests does not
   * read the same row again. Only stations found are kept, for STATION_TTL_MS: enrollment is the
   * only change to a row (a station's key never changes; a new enrollment may rename it), and an
   * unknown station is asked for every time, so one enrolled at another hub process works at once.
   */
  private readonly stations = new Map<string, { station: HubStation; until: number }>();
  /**
   * SHA-256 of each upload's parts as they pass through this process, in part order. It saves
   * reading the object back at `complete`; it is only a shortcut: an upload resumed at another hub
   * process (or after a restart), or whose parts came out of order, has none here and the store
   * hashes the stored object again instead.
   */
  private readonly relay = new Map<string, Relay>();

  constructor(o: HubServiceOptions) {
    this.index = o.index;
    this.store = o.store;
    this.key = o.key;
    this.name = o.name;
    this.now = o.now ?? Date.now;
    this.onRefusal = o.onRefusal ?? (() => {});
  }

  hello(nonce: string): HelloResponse {
    if (!/^[0-9a-f]{32}$/.test(nonce)) throw new HubHttpError(400, 'bad-request', 'hello needs a nonce of 32 hex digits');
    return {
      hubFingerprint: this.key.fingerprint,
      hubPublicKeyPem: this.key.publicPem,
      signature: signBytes(this.key.privateKey, Buffer.from(helloText(nonce), 'utf8')).toString('base64'),
    };
  }

  async enroll(r: EnrollRequest): Promise<EnrollResponse> {
    let key: KeyObject;
    try {
      key = createPublicKey(r.publicKeyPem);
    } catch {
      throw new HubHttpError(400, 'bad-request', 'the station key cannot be read');
    }
    if (key.asymmetricKeyType !== 'ed25519' || fingerprintOf(key) !== r.fingerprint) {
      throw new HubHttpError(400, 'bad-request', 'the fingerprint is not that of the Ed25519 key sent');
    }
    if (!verifyBytes(key, Buffer.from(enrollProofText(r.code), 'utf8'), Buffer.from(r.proof, 'base64'))) {
      throw new HubHttpError(403, 'bad-code', 'the proof is not signed by the key sent');
    }
    if (!r.code.endsWith(`-${this.key.fingerprint.slice(0, 16)}`)) throw new HubHttpError(403, 'bad-code', 'this code was made by another hub');
    const at = this.now();
    // Used once: the same station retrying with a used code is not told anything more.
    if (!(await this.index.useEnrollCode(codeHash(r.code), at, r.fingerprint))) {
      throw new HubHttpError(403, 'bad-code', 'the code is unknown, used already or expired; make a new one with `packwitness hub enroll-code`');
    }
    const s = await this.index.upsertStation({
      fingerprint: r.fingerprint,
      name: r.name,
      publicKeyPem: key.export({ type: 'spki', format: 'pem' }) as string,
      enrolledAt: at,
    });
    this.stations.delete(s.fingerprint); // a new enrollment may have renamed it
    return {
      hubName: this.name,
      hubPublicKeyPem: this.key.publicPem,
      hubFingerprint: this.key.fingerprint,
      stationFingerprint: s.fingerprint,
      enrolledAt: s.enrolledAt,
    };
  }

  private async refuse(
    status: number,
    code: string,
    message: string,
    ctx: { station: string | null; clipId?: string | null; sha256?: string | null },
  ): Promise<never> {
    await this.index
      .addRefusal({ station: ctx.station, clipId: ctx.clipId ?? null, sha256: ctx.sha256 ?? null, reason: code, detail: message, at: this.now() })
      .catch(() => {});
    this.onRefusal(`refused ${code}: ${message}${ctx.station ? ` (station ${ctx.station.slice(0, 16)}…)` : ''}`);
    throw new HubHttpError(status, code, message);
  }

  private async stationOf(fp: string): Promise<HubStation | null> {
    const t = Date.now();
    const cached = this.stations.get(fp);
    if (cached && cached.until > t) return cached.station;
    const station = await this.index.getStation(fp);
    if (!station || station.fingerprint !== fp) return null;
    if (this.stations.size >= MAX_CACHED_STATIONS) this.stations.clear();
    this.stations.set(fp, { station, until: t + STATION_TTL_MS });
    return station;
  }

  private keyOf(s: HubStation): KeyObject {
    let k = this.stationKeys.get(s.fingerprint);
    if (!k) {
      k = createPublicKey(s.publicKeyPem);
      this.stationKeys.set(s.fingerprint, k);
    }
    return k;
  }

  /**
   * The station credential: enrolled key, signature over method, path, time and body, time window,
   * once only. A part (PUT) may be signed over its MD5 (PART_DIGEST_HEADER); then `bodyMd5` is the
   * MD5 of the body this process computed, which the store is given instead of hashing again.
   */
  async authenticate(
    req: SignedRequest,
  ): Promise<{ station: HubStation; key: KeyObject; bodyMd5?: string; taken?: () => Promise<void>; upload?: HubUpload | null }> {
    const fp = header(req.headers, 'x-pw-station') ?? '';
    const timeText = header(req.headers, 'x-pw-time') ?? '';
    const sig = header(req.headers, 'x-pw-signature') ?? '';
    if (!SHA256_HEX_RE.test(fp) || !/^\d{1,16}$/.test(timeText) || !sig)
      throw new HubHttpError(401, 'unauthorized', 'this call needs a station credential (x-pw-station, x-pw-time, x-pw-signature)');
    const station = await this.stationOf(fp);
    if (!station)
      throw new HubHttpError(401, 'unknown-station', 'this station is not enrolled on this hub; enroll it with a code from `packwitness hub enroll-code`');
    const key = this.keyOf(station);
    const time = Number(timeText);
    const digest = header(req.headers, PART_DIGEST_HEADER);
    if (digest !== undefined && (digest !== 'md5' || req.method !== 'PUT'))
      throw new HubHttpError(400, 'bad-request', `${PART_DIGEST_HEADER}: only "md5", and only on a part (PUT)`);
    if (req.body === null && digest !== 'md5')
      throw new HubHttpError(400, 'bad-request', `a streamed part must be signed over its MD5 (${PART_DIGEST_HEADER}: md5)`);
    const bodyMd5 =
      digest !== 'md5' ? undefined : req.body === null ? contentMd5Hex(header(req.headers, 'content-md5')) : createHash('md5').update(req.body).digest('hex');
    if (bodyMd5 === '') throw new HubHttpError(400, 'bad-digest', 'each part needs its Content-MD5');
    const text = requestSigningText(req.method, req.pathWithQuery, time, bodyMd5 !== undefined ? md5BodyField(bodyMd5) : sha256Hex(req.body!));
    const sigBytes = Buffer.from(sig, 'base64');
    if (!verifyBytes(key, Buffer.from(text, 'utf8'), sigBytes)) {
      await this.refuse(
        401,
        'bad-signature',
        `a ${req.method} ${req.pathWithQuery.split('?')[0]} whose signature does not match its bytes (changed on the way, or not signed by this station)`,
        { station: fp },
      );
    }
    const now = this.now();
    if (Math.abs(now - time) > REQUEST_WINDOW_MS) {
      throw new HubHttpError(
        401,
        'unauthorized',
        `the request's time is ${Math.round((time - now) / 1000)} s away from the hub's clock (at most ${REQUEST_WINDOW_MS / 1000} s): check the station's clock`,
      );
    }
    const replay = (): Promise<never> =>
      this.refuse(401, 'replay', `a ${req.method} ${req.pathWithQuery.split('?')[0]} was sent again with the same signature (a replay)`, { station: fp });
    const sigHash = sha256Hex(sigBytes);
    if (req.body === null) {
      // A streamed part is taken only once it is stored: a request cut off on the way (whose
      // client then sends it again as it was, as fetch does with a PUT) is no replay. Sending the
      // same part again stores the same bytes under the same part, which the MD5 binds.
      const taken = async (): Promise<void> => void (await this.index.rememberRequest(sigHash, time, now - 2 * REQUEST_WINDOW_MS));
      if (req.partOf !== undefined) {
        const { seen, upload } = await this.index.uploadForRequest(req.partOf, sigHash);
        if (seen) await replay();
        return { station, key, bodyMd5: bodyMd5!, taken, upload };
      }
      if (await this.index.requestSeen(sigHash)) await replay();
      return { station, key, bodyMd5: bodyMd5!, taken };
    }
    if (!(await this.index.rememberRequest(sigHash, time, now - 2 * REQUEST_WINDOW_MS))) await replay();
    return bodyMd5 !== undefined ? { station, key, bodyMd5 } : { station, key };
  }

  // ---- chain ----

  async chain(station: HubStation, key: KeyObject, entries: ChainEntryWire[]): Promise<{ results: ChainResult[]; head: number }> {
    const results: ChainResult[] = [];
    for (const e of entries) results.push(await this.chainEntry(station, key, e));
    return { results, head: await this.contiguousHead(station.fingerprint) };
  }

  private async contiguousHead(fp: string): Promise<number> {
    const gaps = await this.index.findChainGaps(fp);
    if (gaps.length > 0) return gaps[0]!.fromSeq - 1;
    return (await this.index.chainHead(fp))?.seq ?? 0;
  }

  private async chainEntry(station: HubStation, key: KeyObject, e: ChainEntryWire): Promise<ChainResult> {
    const fp = station.fingerprint;
    const refused = async (reason: string, message: string): Promise<ChainResult> => {
      await this.index
        .addRefusal({ station: fp, clipId: e.clipId, sha256: null, reason, detail: `chain entry ${e.seq}: ${message}`, at: this.now() })
        .catch(() => {});
      this.onRefusal(`refused ${reason}: chain entry ${e.seq} of station ${station.name}: ${message}`);
      return { seq: e.seq, outcome: 'refused', reason };
    };
    const body = Buffer.from(e.body, 'utf8');
    if (sha256Hex(body) !== e.hash) return refused('hash-mismatch', 'its hash is not the SHA-256 of its body');
    if (!verifyBytes(key, body, Buffer.from(e.signature, 'base64'))) return refused('bad-signature', 'not signed by the enrolled station key');
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(e.body) as Record<string, unknown>;
    } catch {
      return refused('bad-signature', 'its body is not JSON');
    }
    if (parsed.seq !== e.seq || parsed.prev !== e.prev || parsed.kind !== e.kind || parsed.at !== e.at || parsed.key !== fp) {
      return refused('broken-link', 'the signed body names another seq, link, kind, time or key than the entry');
    }
    if (e.seq === 1 && e.prev !== GENESIS_PREV) return refused('broken-link', 'entry 1 links to something before it');
    // Its held neighbours, in one read: the entry before and the entry after, where held.
    const near = await this.index.listChain(fp, { fromSeq: e.seq - 1, limit: 3 });
    const prev = e.seq > 1 ? near.find((x) => x.seq === e.seq - 1) : undefined;
    if (prev && prev.hash !== e.prev)
      return refused('broken-link', `it links to ${e.prev.slice(0, 12)}…, the held entry ${e.seq - 1} is ${prev.hash.slice(0, 12)}…`);
    const next = near.find((x) => x.seq === e.seq + 1);
    if (next && next.prev !== e.hash) return refused('broken-link', `the held entry ${e.seq + 1} links to another entry`);
    try {
      const outcome = await this.index.addChainEntry({
        station: fp,
        seq: e.seq,
        prev: e.prev,
        hash: e.hash,
        signature: e.signature,
        kind: e.kind,
        at: e.at,
        clipId: e.clipId,
        body: e.body,
      });
      return { seq: e.seq, outcome };
    } catch (err) {
      if (err instanceof IndexConflictError) return refused('conflict', 'the hub holds another entry under this seq (the station rewrote its chain?)');
      throw err;
    }
  }

  // ---- clips ----

  private session(sha256: string, size: number, uploadId: string): UploadSession {
    return { sha256, size, uploadId, partSize: this.store.partSize, partCount: partCountFor(size, this.store.partSize), parts: [], complete: false };
  }

  async begin(station: HubStation, sha256: string, size: number): Promise<BeginResponse> {
    const held = await this.index.getUpload(sha256);
    // The index names every upload whose parts this hub (any of its processes) accepted: the
    // store resumes that one, or starts afresh without searching its own list.
    const s = await this.store.beginUpload(sha256, size, { knownUploadId: held?.uploadId ?? null }).catch((e: unknown) => {
      throw storeHttpError(e);
    });
    if (s.complete) return { partSize: s.partSize, parts: [], complete: true };
    if (!held || held.uploadId !== s.uploadId || held.size !== size) {
      await this.index.putUpload({ sha256, station: station.fingerprint, size, uploadId: s.uploadId, startedAt: held?.startedAt ?? this.now() });
    }
    return { partSize: s.partSize, parts: s.parts.map((p) => p.number), complete: false, partDigest: 'md5' };
  }

  /** `bodyMd5`: the MD5 this process computed of `bytes` (authenticate, for a part signed over it). */
  async part(station: HubStation, sha256: string, n: number, bytes: Buffer, md5Base64: string | undefined, bodyMd5?: string): Promise<void> {
    const u = await this.index.getUpload(sha256);
    if (!u) throw new HubHttpError(409, 'not-found', 'no upload of this clip was begun (POST …/begin first)');
    const md5 = md5Base64 ? Buffer.from(md5Base64, 'base64').toString('hex') : '';
    if (md5.length !== 32) throw new HubHttpError(400, 'bad-digest', 'each part needs its Content-MD5');
    if (bodyMd5 !== undefined && bodyMd5 !== md5) {
      await this.refuse(400, 'bad-digest', `part ${n} of clip ${sha256.slice(0, 12)}…: the bytes do not match their Content-MD5 (changed on the way)`, {
        station: station.fingerprint,
        sha256,
      });
    }
    const want = expectedPartSize(u.size, this.store.partSize, n);
    if (want < 0 || bytes.length !== want) {
      await this.refuse(400, 'bad-part', `part ${n} of clip ${sha256.slice(0, 12)}… has ${bytes.length} bytes, expected ${want}`, {
        station: station.fingerprint,
        sha256,
      });
    }
    try {
      await this.store.uploadPart(this.session(sha256, u.size, u.uploadId), n, bytes, md5, { md5OfBytes: bodyMd5 !== undefined });
      this.relayed(sha256, u.uploadId, n, bytes, md5);
    } catch (e) {
      if (e instanceof StoreError && (e.code === 'bad-digest' || e.code === 'bad-part')) {
        await this.refuse(400, e.code, `part ${n} of clip ${sha256.slice(0, 12)}…: ${e.message} (bytes changed on the way)`, {
          station: station.fingerprint,
          sha256,
        });
      }
      throw storeHttpError(e);
    }
  }

  /**
   * A part signed over its MD5, streamed from the station's request into the store as it arrives
   * (the store checks the bytes against that MD5: ClipStore.uploadPartStream); the hub holds no
   * copy of it, and hashes it into the upload's running SHA-256 on the way when it is the next
   * part in order. Only for a store that can check; the others get whole parts (part()).
   */
  async partStream(
    station: HubStation,
    sha256: string,
    n: number,
    body: Readable,
    length: number,
    md5Base64: string | undefined,
    /** The upload row, when authenticate read it already (undefined: read it here). */
    held?: HubUpload | null,
  ): Promise<void> {
    const upload = this.store.uploadPartStream?.bind(this.store);
    if (!upload) throw new Error('this store takes whole parts only');
    const u = held === undefined ? await this.index.getUpload(sha256) : held;
    if (!u) throw new HubHttpError(409, 'not-found', 'no upload of this clip was begun (POST …/begin first)');
    const md5 = contentMd5Hex(md5Base64);
    if (!md5) throw new HubHttpError(400, 'bad-digest', 'each part needs its Content-MD5');
    const want = expectedPartSize(u.size, this.store.partSize, n);
    if (want < 0 || length !== want) {
      await this.refuse(400, 'bad-part', `part ${n} of clip ${sha256.slice(0, 12)}… has ${length} bytes, expected ${want}`, {
        station: station.fingerprint,
        sha256,
      });
    }
    const relay = this.streamRelay(sha256, u.uploadId, n);
    const tap = new PartTap(relay?.hash ?? null, length);
    // A request that breaks off breaks the tap, which cancels the store's request.
    const brokeOff = (): void => {
      if (!body.readableEnded) tap.destroy(new Error("the station's request broke off"));
    };
    body.once('close', brokeOff);
    body.pipe(tap);
    try {
      await upload(this.session(sha256, u.size, u.uploadId), n, tap, length, md5);
      if (relay && this.relay.get(sha256) === relay) {
        relay.busy = false;
        relay.next++;
        relay.partMd5.push(md5);
      }
    } catch (e) {
      if (relay) this.relay.delete(sha256); // bytes that did not become the part went into the hash
      // The rest of the body (if any) is read and dropped, so that the answer reaches the station.
      body.unpipe(tap);
      body.resume();
      tap.destroy();
      if (e instanceof StoreError && e.code === 'bad-digest') {
        // The station signed this MD5; the bytes that came are not those.
        await this.refuse(
          401,
          'bad-signature',
          `a PUT part ${n} of clip ${sha256.slice(0, 12)}… whose bytes do not match the MD5 it is signed over (changed on the way, or not signed by this station)`,
          { station: station.fingerprint, sha256 },
        );
      }
      throw storeHttpError(e);
    } finally {
      body.off('close', brokeOff);
    }
  }

  /** The running hash of this upload, begun at its part 1; undefined when there is none. */
  private relayOf(sha256: string, uploadId: string, n: number): Relay | undefined {
    let r = this.relay.get(sha256);
    if (r && r.uploadId !== uploadId) r = undefined;
    if (!r && n === 1) {
      // Bounded: a station that never comes back leaves at most this many running hashes behind.
      if (this.relay.size >= MAX_RELAYS) this.relay.delete(this.relay.keys().next().value!);
      r = { uploadId, next: 1, hash: createHash('sha256'), partMd5: [], busy: false };
      this.relay.set(sha256, r);
    }
    return r;
  }

  /** The running hash a streamed part goes into: only the next part in order, one at a time. */
  private streamRelay(sha256: string, uploadId: string, n: number): Relay | null {
    const r = this.relayOf(sha256, uploadId, n);
    if (!r) return null;
    if (r.busy || n > r.next) {
      // Two copies of a part at once (a retry while the first still streams), or a gap: the store
      // hashes the object at complete instead.
      this.relay.delete(sha256);
      return null;
    }
    if (n < r.next) return null; // sent again after its answer was lost: hashed already
    r.busy = true;
    return r;
  }

  /** Hashes a stored part into its upload's running SHA-256 when it is the next one in order. */
  private relayed(sha256: string, uploadId: string, n: number, bytes: Buffer, md5: string): void {
    const r = this.relayOf(sha256, uploadId, n);
    if (!r) return;
    if (r.busy) {
      this.relay.delete(sha256); // a streamed part is going in: this one is not hashed beside it
      return;
    }
    if (n === r.next) {
      r.hash.update(bytes);
      r.partMd5.push(md5);
      r.next++;
    } else if (n > r.next) {
      this.relay.delete(sha256); // a gap: the store hashes the object instead
    }
    // n < next: a part sent again (its answer was lost); the store's ETag check at complete tells
    // whether the stored part is still the one hashed.
  }

  /** The running hash of a whole upload, once every part passed here in order (then forgotten). */
  private takeRelayed(sha256: string, uploadId: string, partCount: number): RelayedDigest | undefined {
    const r = this.relay.get(sha256);
    this.relay.delete(sha256);
    if (!r || r.uploadId !== uploadId || r.next !== partCount + 1) return undefined;
    return { sha256: r.hash.digest('hex'), partMd5: r.partMd5 };
  }

  private receipt(fields: Omit<HubReceipt, 'signature'>): HubReceipt {
    return { ...fields, signature: signBytes(this.key.privateKey, receiptSigningBytes(fields)).toString('base64') };
  }

  async complete(station: HubStation, key: KeyObject, sha256: string, r: CompleteRequest): Promise<{ receipt: HubReceipt }> {
    const fp = station.fingerprint;
    const ctx = { station: fp, clipId: r.clip.clipId, sha256 };
    const no = (code: string, message: string): Promise<never> => this.refuse(422, code, `clip ${r.clip.clipId}: ${message}`, ctx);
    const receivedAt = this.now();
    const manifest = Buffer.from(r.manifest, 'base64');
    const signature = Buffer.from(r.signature, 'base64');
    if (!verifyBytes(key, manifest, signature)) return no('bad-signature', 'its manifest is not signed by the enrolled station key');
    let m: Record<string, unknown>;
    try {
      m = JSON.parse(manifest.toString('utf8')) as Record<string, unknown>;
    } catch {
      return no('bad-signature', 'its manifest is not JSON');
    }
    if (m.key !== fp) return no('bad-signature', 'its manifest names another station key');
    if (m.kind !== 'clip' || m.seq !== r.chainSeq || m.clipId !== r.clip.clipId)
      return no('not-in-chain', `its manifest is not the clip entry ${r.chainSeq} of clip ${r.clip.clipId}`);
    if (m.sha256 !== sha256) return no('hash-mismatch', `its manifest names the bytes ${String(m.sha256).slice(0, 12)}…, not ${sha256.slice(0, 12)}…`);
    if (m.sizeBytes !== r.clip.sizeBytes) return no('hash-mismatch', `its manifest names ${String(m.sizeBytes)} bytes, the row ${r.clip.sizeBytes}`);
    const orders = Array.isArray(m.orders) ? m.orders : [];
    if (orders[0] !== r.clip.order || m.startedAt !== r.clip.startedAt || m.mode !== r.clip.mode) {
      return no('conflict', 'the row names another order, start or mode than its signed manifest');
    }
    const entry = (await this.index.listChain(fp, { fromSeq: r.chainSeq, limit: 1 }))[0];
    if (!entry || entry.seq !== r.chainSeq) return no('not-in-chain', `the hub does not hold its chain entry ${r.chainSeq} yet (publish the chain first)`);
    if (entry.hash !== sha256Hex(manifest)) return no('broken-link', `the chain entry ${r.chainSeq} the hub holds is another manifest`);
    const others = (await this.index.clipsBySha256(sha256)).filter((c) => c.station !== fp);
    if (others.length > 0)
      return no('replay', `these bytes were published by station ${others[0]!.stationName ?? others[0]!.station} as clip ${others[0]!.clipId}`);

    // The bytes: hashed again by the store before they become visible. An upload under way is
    // completed (the store looks for the object first: stored meanwhile, it is `existing`);
    // without one, the object must be there already.
    const upload = await this.index.getUpload(sha256);
    const storedSize = async (): Promise<number | null> =>
      (
        await this.store.stat(sha256, 'clip').catch((e: unknown) => {
          throw storeHttpError(e);
        })
      )?.size ?? null;
    if (upload) {
      if (upload.size !== r.clip.sizeBytes) return no('hash-mismatch', `${upload.size} bytes were uploaded, the manifest names ${r.clip.sizeBytes}`);
      const session = this.session(sha256, upload.size, upload.uploadId);
      const relayed = this.takeRelayed(sha256, upload.uploadId, session.partCount);
      let put: PutResult;
      try {
        if (relayed && relayed.sha256 !== sha256) {
          // The bytes that passed through here are not the clip: nothing is completed.
          await this.store.abortUpload(session).catch(() => {});
          throw new StoreError('hash-mismatch', `the uploaded bytes hash to ${relayed.sha256}`);
        }
        put = await this.store.completeUpload(session, relayed);
      } catch (e) {
        if (e instanceof StoreError && e.code === 'hash-mismatch') {
          await this.index.dropUpload(sha256);
          return no('hash-mismatch', 'the stored bytes do not hash to the SHA-256 its manifest names (changed on the way); nothing was kept');
        }
        if (e instanceof StoreError && e.code === 'bad-part') throw new HubHttpError(409, 'bad-part', e.message);
        throw storeHttpError(e);
      }
      if (put.stored === 'existing') {
        // Stored by someone else meanwhile: that object's size is what the manifest must name.
        const size = await storedSize();
        if (size !== r.clip.sizeBytes) return no('hash-mismatch', `the stored object has ${size ?? 'no'} bytes, the manifest names ${r.clip.sizeBytes}`);
      }
    } else {
      const size = await storedSize();
      if (size === null) return no('hash-mismatch', 'no bytes were uploaded for it');
      if (size !== r.clip.sizeBytes) return no('hash-mismatch', `the stored object has ${size} bytes, the manifest names ${r.clip.sizeBytes}`);
    }
    try {
      await this.store.putSidecar(sha256, 'manifest', manifest);
      await this.store.putSidecar(sha256, 'sig', signature);
    } catch (e) {
      if (e instanceof StoreError && e.code === 'conflict') return no('conflict', 'another manifest is stored for these bytes');
      throw storeHttpError(e);
    }
    if (r.tsr) await this.store.putSidecar(sha256, 'tsr', Buffer.from(r.tsr, 'base64')).catch(() => {});
    let added: 'inserted' | 'duplicate';
    try {
      added = await this.index.addClip({
        station: fp,
        clipId: r.clip.clipId,
        order: r.clip.order,
        mode: r.clip.mode,
        operator: r.clip.operator,
        startedAt: r.clip.startedAt,
        endedAt: r.clip.endedAt,
        durationMs: r.clip.durationMs,
        sizeBytes: r.clip.sizeBytes,
        sha256,
        status: r.clip.status,
        stopReason: r.clip.stopReason,
        note: r.clip.note,
        publishedAt: receivedAt,
      });
    } catch (e) {
      if (e instanceof IndexConflictError) return no('conflict', e.message);
      throw e;
    }
    if (upload) await this.index.dropUpload(sha256);
    // Published before (a retry whose answer was lost): the receipt names the first time.
    const publishedAt = added === 'inserted' ? receivedAt : ((await this.index.getClip(fp, r.clip.clipId))?.publishedAt ?? receivedAt);
    return { receipt: this.receipt({ sha256, station: fp, clipId: r.clip.clipId, receivedAt: publishedAt, verifiedAt: this.now() }) };
  }

  async tsr(station: HubStation, sha256: string, tsr: Buffer): Promise<void> {
    const mine = (await this.index.clipsBySha256(sha256)).some((c) => c.station === station.fingerprint);
    if (!mine) throw new HubHttpError(404, 'not-found', 'the hub holds no such clip of this station');
    try {
      await this.store.putSidecar(sha256, 'tsr', tsr);
    } catch (e) {
      if (e instanceof StoreError && e.code === 'conflict') throw new HubHttpError(422, 'conflict', 'another token is stored for this clip');
      throw storeHttpError(e);
    }
  }

  /** Confirmed only when the clip is indexed for this station and its object is in the store now. */
  async state(station: HubStation, sha256: string): Promise<ClipStateResponse> {
    const row = (await this.index.clipsBySha256(sha256)).find((c) => c.station === station.fingerprint);
    if (!row) return { state: 'missing' };
    const st = await this.store.stat(sha256, 'clip').catch((e: unknown) => {
      throw storeHttpError(e);
    });
    if (!st || st.size !== row.sizeBytes) return { state: 'missing' };
    return {
      state: 'confirmed',
      receipt: this.receipt({ sha256, station: station.fingerprint, clipId: row.clipId, receivedAt: row.publishedAt, verifiedAt: this.now() }),
    };
  }

  async holds(station: HubStation, since: number): Promise<HubHold[]> {
    return (await this.index.listHolds(station.fingerprint, since)).map((h) => ({
      clipId: h.clipId,
      sha256: h.sha256,
      held: h.held,
      reason: h.reason,
      at: h.at,
      by: h.by,
    }));
  }
}

/**
 * Passes a streamed part on, hashing it into the upload's running SHA-256 (when it is the next
 * part) and holding it to its declared length: more bytes, or fewer by the end, break it.
 */
class PartTap extends Transform {
  private readonly hash: Hash | null;
  private readonly length: number;
  private seen = 0;
  constructor(hash: Hash | null, length: number) {
    super();
    this.hash = hash;
    this.length = length;
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.length) return done(new Error(`more than the ${this.length} bytes declared`));
    this.hash?.update(chunk);
    done(null, chunk);
  }
  override _flush(done: TransformCallback): void {
    done(this.seen === this.length ? null : new Error(`${this.seen} of the ${this.length} bytes declared`));
  }
}

function storeHttpError(e: unknown): Error {
  if (e instanceof HubHttpError) return e;
  if (e instanceof StoreError) {
    if (e.code === 'bad-input') return new HubHttpError(400, 'bad-request', e.message);
    if (e.code === 'bad-part' || e.code === 'bad-digest') return new HubHttpError(400, e.code, e.message);
    if (e.code === 'unavailable')
      return new HubHttpError(503, 'store-unavailable', `the hub's clip store cannot be reached: ${e.message}; the station keeps its copy and tries again`);
    return new HubHttpError(503, 'unavailable', `the clip store: ${e.message}`);
  }
  return e instanceof Error ? e : new Error(String(e));
}
