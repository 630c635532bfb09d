// Checks shared by `verify FILE`, the Verify view and `verify --all`: one chain entry's hash,
// signature and links, and one clip's timestamp token. Each answers in plain sentences.
import type { KeyObject } from 'node:crypto';
import type { Db } from '../db.ts';
import { sqliteTimestamps } from '../index/sqliteEvidence.ts';
import { storedSetting } from '../settingsStore.ts';
import { checkEntryAlone, GENESIS_PREV, parseBody, type Chain, type ChainRow } from './chain.ts';
import { parseTimestampResponse, shortTsaName, type TimestampInfo } from './tsa.ts';
import { anchorText, certsFromFile, type CertInfo } from './tsaTrust.ts';
import type { ProblemKind } from '../../../shared/contract/evidence.ts';
import { formatMessage, msg, type Message } from '../../../shared/messages.ts';
import { errorMessage } from '../../../shared/errorMessage.ts';

export interface Finding {
  kind: ProblemKind;
  message: string;
  /** The message as a code the UI words in its language (its English is `message`); absent: English only. */
  words?: Message;
}

/** A finding whose English is its code's. */
export function found(kind: ProblemKind, words: Message): Finding {
  return { kind, message: formatMessage(words), words };
}

/** A failing check line's findings, each after its label: "broken link: chain entry 5 …". */
export function findingsText(findings: readonly Finding[]): string {
  return findings.map((f) => `${LABELS[f.kind]}: ${f.message}`).join(' ');
}

/** The same findings as the contract carries them (VerifyCheck.findings). */
export function findingsWords(findings: readonly Finding[]): { kind: string; message: Message }[] | undefined {
  return findings.every((f) => f.words) ? findings.map((f) => ({ kind: f.kind, message: f.words! })) : undefined;
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
export async function entryFindings(
  chain: Pick<Chain, 'get'>,
  row: ChainRow,
  publicKey: KeyObject,
  fingerprint: string,
  previous?: ChainRow | null,
): Promise<Finding[]> {
  const out: Finding[] = [];
  const alone = checkEntryAlone(row, publicKey);
  if (!alone.hashOk || !alone.seqOk) out.push(found('broken-link', msg('finding-entry-altered', { seq: row.seq })));
  if (!alone.signatureOk) {
    const body = parseBody(row);
    out.push(
      body && body.key !== fingerprint
        ? found('wrong-key', msg('finding-wrong-key', { seq: row.seq, key: String(body.key).slice(0, 16), own: fingerprint.slice(0, 16) }))
        : found('bad-signature', msg('finding-bad-signature', { seq: row.seq })),
    );
  }
  if (row.seq === 1) {
    if (row.prev_hash !== GENESIS_PREV) out.push(found('broken-link', msg('finding-first-has-prev')));
  } else {
    const prev = previous && previous.seq === row.seq - 1 ? previous : await chain.get(row.seq - 1);
    if (!prev) out.push(found('missing-entry', msg('finding-entry-missing', { seq: row.seq - 1, next: row.seq })));
    else if (prev.entry_hash !== row.prev_hash || parseBody(row)?.prev !== prev.entry_hash) {
      out.push(found('broken-link', msg('finding-no-link', { seq: row.seq, prev: prev.seq })));
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
  /** The text as a code the UI words in its language. */
  message?: Message;
}

export async function tokenCheck(db: Db, clipId: string, sha256: string, sidecar: Buffer | null): Promise<TokenCheck> {
  const ts = await sqliteTimestamps(db).get(clipId);
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
    if (info.hashAlgorithm !== 'sha256')
      return { ...base, ok: false, text: otherHashText(info), message: msg('finding-token-other-hash', { algorithm: hashName(info) }) };
    if (info.hashedMessage !== sha256.toLowerCase()) return { ...base, ok: false, ...said(msg('finding-token-other-file')) };
    if (info.trust.status === 'invalid') return { ...base, ok: false, ...said(msg('finding-token-invalid', { reason: String(info.trust.reason) })) };
    if (sidecar && stored && !sidecar.equals(stored)) return { ...base, ok: false, ...said(msg('finding-token-sidecar-differs')) };
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
    return { state: 'done', ok: false, tsaTime: null, tsaName: null, ...said(msg('finding-token-unreadable', { error: errorMessage(err) })) };
  }
}

const said = (m: Message) => ({ text: formatMessage(m), message: m });

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
  return `This token stamps a ${hashName(info)} hash; PackWitness clips are sealed with SHA-256, so it is not this clip's.`;
}

const hashName = (info: Pick<TimestampInfo, 'hashAlgorithm'>): string => info.hashAlgorithm.toUpperCase().replace(/^SHA(?=\d)/, 'SHA-');

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
  return `${storedSetting(db, 'tsaCerts') ?? ''}|${extraTsaCerts.length}`;
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
  const stored = storedSetting(db, 'tsaCerts');
  let pems: unknown = [];
  try {
    pems = stored !== undefined ? JSON.parse(stored) : [];
  } catch {
    // a damaged value: no added certificates (the Settings view shows the default)
  }
  const fromSettings = Array.isArray(pems) ? pems.flatMap((p) => (typeof p === 'string' ? certsFromFile(Buffer.from(p)) : [])) : [];
  return [...fromSettings, ...extraTsaCerts];
}
