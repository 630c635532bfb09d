// Checks shared by `verify FILE`, the Verify view and `verify --all`: one chain entry's hash,
// signature and links, and one clip's timestamp token. Each answers in plain sentences.
import type { KeyObject } from 'node:crypto';
import type { Db } from '../db.ts';
import { checkEntryAlone, GENESIS_PREV, parseBody, type Chain, type ChainRow } from './chain.ts';
import { parseTimestampResponse, shortTsaName, type TimestampInfo } from './tsa.ts';
import { anchorText, certsFromFile, type CertInfo } from './tsaTrust.ts';
import type { ProblemKind } from '../../../shared/contract/evidence.ts';
import { msg, type Message } from '../../../shared/messages.ts';
import { errorMessage } from '../../../shared/errorMessage.ts';

export interface Finding {
  kind: ProblemKind;
  message: string;
}

export const LABELS: Record<ProblemKind, string> = {
  'modified-file': 'modified file',
  'missing-file': 'missing file',
  'broken-link': 'broken link',
  'missing-entry': 'missing entry',
  'bad-signature': 'bad signature',
  'token-mismatch': 'token mismatch',
  'modified-manifest': 'modified manifest',
  'missing-sidecar': 'missing sidecar',
  'wrong-key': 'wrong key',
  'anchor-mismatch': 'anchor mismatch',
};

export function when(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return 'an unknown time';
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
}

/** Everything wrong with one entry on its own and with its two neighbours. */
export function entryFindings(chain: Chain, row: ChainRow, publicKey: KeyObject, fingerprint: string, previous?: ChainRow | null): Finding[] {
  const out: Finding[] = [];
  const alone = checkEntryAlone(row, publicKey);
  if (!alone.hashOk || !alone.seqOk) {
    out.push({ kind: 'broken-link', message: `chain entry ${row.seq} was altered after it was written (its content no longer matches its hash or position).` });
  }
  if (!alone.signatureOk) {
    const body = parseBody(row);
    out.push(
      body && body.key !== fingerprint
        ? {
            kind: 'wrong-key',
            message: `chain entry ${row.seq} names station key ${String(body.key).slice(0, 16)}…, not this station's key ${fingerprint.slice(0, 16)}…; its signature does not hold.`,
          }
        : { kind: 'bad-signature', message: `chain entry ${row.seq}: the station's signature does not match its content.` },
    );
  }
  if (row.seq === 1) {
    if (row.prev_hash !== GENESIS_PREV) out.push({ kind: 'broken-link', message: 'chain entry 1 points to an earlier entry, but it is the first.' });
  } else {
    const prev = previous && previous.seq === row.seq - 1 ? previous : chain.get(row.seq - 1);
    if (!prev) out.push({ kind: 'missing-entry', message: `chain entry ${row.seq - 1}, just before entry ${row.seq}, is missing.` });
    else if (prev.entry_hash !== row.prev_hash || parseBody(row)?.prev !== prev.entry_hash) {
      out.push({ kind: 'broken-link', message: `chain entry ${row.seq} does not link to entry ${prev.seq} (one of them was replaced or reordered).` });
    }
  }
  return out;
}

export interface TokenCheck {
  state: 'done' | 'pending' | 'none';
  ok: boolean | null;
  text: string;
  tsaTime: number | null;
  tsaName: string | null;
  /** The text as a code the UI words in its language, where one says it (the failures stay text). */
  message?: Message;
}

export function tokenCheck(db: Db, clipId: string, sha256: string, sidecar: Buffer | null): TokenCheck {
  const ts = db.prepare('SELECT state, response, last_error FROM timestamps WHERE clip_id=?').get(clipId) as
    { state: string; response: Buffer | null; last_error: string | null } | undefined;
  const stored = ts?.state === 'done' ? ts.response : null;
  const token = sidecar ?? stored;
  if (!token) {
    if (ts)
      return {
        state: 'pending',
        ok: null,
        tsaTime: null,
        tsaName: null,
        message: msg('verify-timestamp-pending'),
        text: `A trusted timestamp was requested and has not arrived yet${ts.last_error ? ` (last try: ${ts.last_error.slice(0, 160)})` : ''}.`,
      };
    return {
      state: 'none',
      ok: null,
      tsaTime: null,
      tsaName: null,
      message: msg('verify-timestamp-none'),
      text: 'No trusted timestamp (no timestamp authority was configured when it was sealed).',
    };
  }
  try {
    const info = parseTimestampResponse(token, { addedCerts: addedTsaCerts(db) });
    const base = { state: 'done' as const, tsaTime: info.time, tsaName: info.name };
    if (info.hashAlgorithm !== 'sha256') return { ...base, ok: false, text: otherHashText(info) };
    if (info.hashedMessage !== sha256.toLowerCase()) {
      return { ...base, ok: false, text: 'The timestamp token covers a different file than this clip.' };
    }
    if (info.trust.status === 'invalid') return { ...base, ok: false, text: `The timestamp token does not hold: ${info.trust.reason}.` };
    if (sidecar && stored && !sidecar.equals(stored)) {
      return { ...base, ok: false, text: 'The .tsr file next to the clip differs from the token the station received.' };
    }
    if (info.trust.status === 'unverifiable') {
      return {
        ...base,
        ok: null,
        text: unverifiableText(info),
        message: msg('verify-timestamp-unverifiable', { tsa: shortTsaName(info.name), time: when(info.time) }),
      };
    }
    return {
      ...base,
      ok: true,
      message: trustedTimeMessage(info),
      text: `Trusted time: ${shortTsaName(info.name)} attests the file existed at ${when(info.time)}. ${chainText(info)}`,
    };
  } catch (err) {
    return { state: 'done', ok: false, tsaTime: null, tsaName: null, text: `The timestamp token cannot be read (${errorMessage(err)}).` };
  }
}

/** The trusted time and whose it is, as a message (the UI's words for the line above). */
export function trustedTimeMessage(info: Pick<TimestampInfo, 'name' | 'time' | 'trust'>): Message {
  const a = info.trust.anchor;
  const base = { tsa: shortTsaName(info.name), time: when(info.time) };
  if (!a) return msg('verify-timestamp-ok', base);
  const root = shortTsaName(a.subject);
  if (a.kind === 'public') return msg('verify-timestamp-ok-public', { ...base, root });
  if (a.kind === 'added') return msg('verify-timestamp-ok-added', { ...base, root });
  return msg('verify-timestamp-ok-unknown', { ...base, root, fingerprint: a.fingerprint });
}

/** "This token stamps a SHA-512 hash; …": a token of some other data, said plainly. */
export function otherHashText(info: Pick<TimestampInfo, 'hashAlgorithm'>): string {
  return `This token stamps a ${info.hashAlgorithm.toUpperCase().replace(/^SHA(?=\d)/, 'SHA-')} hash; PackWitness clips are sealed with SHA-256, so it is not this clip's.`;
}

/** A genuine-looking token whose signer's certificate is nowhere at hand: unverifiable, not altered. */
export function unverifiableText(info: Pick<TimestampInfo, 'name' | 'time' | 'trust'>): string {
  return (
    `The timestamp token names ${shortTsaName(info.name)} and ${when(info.time)}, but it is unverifiable without the TSA's certificate (${info.trust.reason}). ` +
    "That is not a sign it was altered: add the TSA's certificate (Settings → TSA certificates, or verify --tsa-cert FILE) to check it."
  );
}

/** Whose time it is: the chain above the TSA's certificate and where it ends. */
export function chainText(info: Pick<TimestampInfo, 'trust'>): string {
  const a = info.trust.anchor;
  return a ? `The TSA's timestamping certificate chains to ${anchorText(a)}.` : '';
}

export type TrustKind = 'public' | 'added' | 'unknown-root' | 'unverifiable' | 'invalid';

/** Whose time a stored token is, in short (the lookup): where its chain ends, or why it cannot vouch. */
export function tokenTrust(db: Db, response: Buffer): { kind: TrustKind; anchor: string | null } {
  try {
    const { trust } = parseTimestampResponse(response, { addedCerts: addedTsaCerts(db) });
    if (trust.status !== 'valid' || !trust.anchor) return { kind: trust.status === 'unverifiable' ? 'unverifiable' : 'invalid', anchor: null };
    return { kind: trust.anchor.kind === 'unknown' ? 'unknown-root' : trust.anchor.kind, anchor: shortTsaName(trust.anchor.subject) };
  } catch {
    return { kind: 'invalid', anchor: null };
  }
}

/** The stored list of added TSA certificates as text: what a cached trust answer depends on. */
export function addedTsaCertsKey(db: Db): string {
  const row = db.prepare(`SELECT value FROM settings WHERE key='tsaCerts'`).get() as { value: string } | undefined;
  return `${row?.value ?? ''}|${extraTsaCerts.length}`;
}

/** TSA certificates that check tokens: those in Settings, and those given to this process (`verify --tsa-cert`). */
const extraTsaCerts: CertInfo[] = [];
export function addTsaCerts(certs: CertInfo[]): void {
  extraTsaCerts.push(...certs);
}
/** The certificates given to this process (`verify --tsa-cert`), for checks that have no index. */
export function givenTsaCerts(): readonly CertInfo[] {
  return extraTsaCerts;
}
export function addedTsaCerts(db: Db): CertInfo[] {
  const row = db.prepare(`SELECT value FROM settings WHERE key='tsaCerts'`).get() as { value: string } | undefined;
  let pems: unknown = [];
  try {
    pems = row ? JSON.parse(row.value) : [];
  } catch {
    // a damaged value: no added certificates (the Settings view shows the default)
  }
  const fromSettings = Array.isArray(pems) ? pems.flatMap((p) => (typeof p === 'string' ? certsFromFile(Buffer.from(p)) : [])) : [];
  return [...fromSettings, ...extraTsaCerts];
}
