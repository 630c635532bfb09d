// One file (or one SHA-256 from the Verify view): which clip is it, when and where was it recorded,
// and does everything still hold: the index, the chain link, the signature, the trusted time.
import fs from 'node:fs';
import path from 'node:path';
import type { ClipIndex } from '../index/types.ts';
import type { Db } from '../db.ts';
import type { VerifyAnswer, VerifyCheck } from '../../../shared/contract/evidence.ts';
import { parseBody, sha256Hex, type ChainRow, type EntryBody } from './chain.ts';
import { formatDelay, stampDelay } from '../../../shared/stampDelay.ts';
import { addedTsaCerts, entryFindings, findingsText, findingsWords, found, tokenCheck, when, type Finding } from './checks.ts';
import { anchorCovering, anchorFindings, anchorMessage } from './anchors.ts';
import { sidecarsOf } from './manifest.ts';
import { verifyBytes } from './keys.ts';
import type { StationCustody } from './stationCustody.ts';
import { exportedFilesByName, exportedFilesBySha, type ExportedFile } from '../export/exportIndex.ts';
import type { CounterReport } from '../frameCounters.ts';
import { continuityCheck } from './continuityCheck.ts';
import { labelVerifyCheck } from '../labels.ts';
import { formatMessage, msg, type Message } from '../../../shared/messages.ts';

/** A check line whose English is its message's (the UI words the message in its language). */
function said(what: VerifyCheck['what'], ok: boolean | null, m: Message): VerifyCheck {
  return { what, ok, text: formatMessage(m), message: m };
}

/** A failing check line: each finding after its label, and the same as codes. */
function failing(what: VerifyCheck['what'], findings: readonly Finding[], lead?: Message): VerifyCheck {
  const text = findingsText(findings);
  const words = findingsWords(findings);
  return {
    what,
    ok: false,
    text: lead ? `${formatMessage(lead)} ${text}` : text,
    ...(lead ? { message: lead } : {}),
    ...(words ? { findings: words } : {}),
  };
}

/** Which clip, where and when, as message parameters. */
const clipParams = (c: NonNullable<VerifyAnswer['clip']>) => ({ order: c.order, station: c.station, time: when(Date.parse(c.startedAt)) });

const HOW_CODES = {
  adopted: 'verify-how-adopted',
  'camera-lost': 'verify-how-camera-lost',
  'camera-stalled': 'verify-how-camera-stalled',
  'disk-full': 'verify-how-disk-full',
  'page-closed': 'verify-how-page-closed',
} as const;

/** Who recorded the clip, and how one that is not a plain, whole recording came to be (the UI's words for HOW). */
function howMessage(c: NonNullable<VerifyAnswer['clip']>): Message[] {
  const by = c.operator ? [msg('verify-recorded-by', { operator: c.operator })] : [];
  return [...by, ...endMessage(c)];
}

function endMessage(c: NonNullable<VerifyAnswer['clip']>): Message[] {
  const code = c.stopReason && Object.hasOwn(HOW_CODES, c.stopReason) ? HOW_CODES[c.stopReason as keyof typeof HOW_CODES] : null;
  if (code) return [msg(code)];
  if (c.status === 'recovered') return [msg('verify-how-recovered')];
  if (c.status === 'interrupted') return [msg('verify-how-interrupted')];
  return [];
}

export interface VerifyContext {
  db: Db;
  custody: StationCustody;
  clips: Pick<ClipIndex, 'get' | 'newestBySha256'>;
}

export interface VerifyTarget {
  sha256: string;
  /** The file's name (the Verify view) or full path (the CLI, which also checks sidecars next to it). */
  name?: string | null;
  path?: string | null;
  /** The frame counters read from the file just now (the CLI); null: only the station's record. */
  frames?: CounterReport | null;
}

const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function clipFromBody(body: EntryBody, seq: number): NonNullable<VerifyAnswer['clip']> {
  const orders = Array.isArray(body.orders) ? body.orders.map(String) : [];
  return {
    id: str(body.clipId) ?? '',
    order: orders.join(', '),
    station: str(body.station) ?? '',
    operator: str(body.operator),
    mode: str(body.mode) ?? 'shipping',
    startedAt: new Date(num(body.startedAt) ?? 0).toISOString(),
    endedAt: num(body.endedAt) === null ? null : new Date(num(body.endedAt)!).toISOString(),
    durationMs: num(body.durationMs),
    status: str(body.status) ?? 'ok',
    stopReason: str(body.stopReason),
    seq,
  };
}

// How a clip that is not a plain, whole recording came to be, in the verdict's words.
const HOW: Record<string, string> = {
  adopted: ', adopted: found on disk without an index row and sealed only then (nothing vouches for it before)',
  'camera-lost': ', cut short: the camera was disconnected',
  'camera-stalled': ', cut short: the camera stopped giving a picture',
  'disk-full': ', cut short: the disk ran into its reserve or failed',
  'page-closed': ', cut short: the station page stopped sending video',
};

function describeClip(c: NonNullable<VerifyAnswer['clip']>): string {
  const dur = c.durationMs !== null ? ` (${(c.durationMs / 1000).toFixed(1)} s)` : '';
  const how =
    (c.stopReason && HOW[c.stopReason]) ??
    (c.status === 'recovered' ? ', recovered after the station stopped unexpectedly' : c.status === 'interrupted' ? ', cut short' : '');
  return `the clip of order ${c.order}, recorded at station "${c.station}" on ${when(Date.parse(c.startedAt))}${dur}${c.operator ? ` by ${c.operator}` : ''}${how}`;
}

/** A file whose hash matches nothing: maybe its name or its sidecar manifest says what it was. */
async function unknownAnswer(ctx: VerifyContext, t: VerifyTarget): Promise<VerifyAnswer> {
  const sha = t.sha256.toLowerCase();
  const base = t.name ? path.basename(t.name) : t.path ? path.basename(t.path) : null;
  let claimed: ChainRow | undefined;
  if (t.path) {
    const manifest = sidecarsOf(t.path).manifest;
    if (fs.existsSync(manifest)) {
      const bytes = fs.readFileSync(manifest);
      claimed = await ctx.custody.chain.index.clipEntryByBody(bytes.toString('utf8'));
    }
  }
  if (!claimed && base) {
    claimed = await ctx.custody.chain.index.clipEntryByFile(base);
  }
  const body = claimed ? parseBody(claimed) : null;
  if (!(claimed && body) && base) {
    // Named like a file the station exported (a part, a still, a sheet), but not its content.
    const asExported = (await exportedFilesByName(ctx.db, base))[0];
    if (asExported) {
      return {
        verdict: 'problem',
        headline: `NOT INTACT: this file is named as ${exportedText(asExported)}, but its content differs from the file the station exported.`,
        headlineMessage: msg('verify-modified-export', { file: asExported.name }),
        sha256: sha,
        clip: await sourceClip(ctx, asExported),
        checks: [failing('file', [found('modified-file', msg('finding-export-modified', { sha, exported: asExported.sha256, seq: asExported.entry.seq }))])],
      };
    }
  }
  if (claimed && body) {
    const clip = clipFromBody(body, claimed.seq);
    const cutSize =
      t.path && fs.existsSync(t.path) && num(body.sizeBytes) !== null && fs.statSync(t.path).size < num(body.sizeBytes)! ? fs.statSync(t.path).size : null;
    const fileMessage =
      cutSize === null
        ? msg('verify-file-modified', { sha, sealed: String(body.sha256) })
        : msg('verify-file-cut', { sha, sealed: String(body.sha256), size: cutSize, sealedSize: num(body.sizeBytes)! });
    return {
      verdict: 'problem',
      headline: `NOT INTACT: this file is named as ${describeClip(clip)}, but its content was changed after it was sealed.`,
      headlineMessage: msg('verify-modified', clipParams(clip)),
      sha256: sha,
      clip,
      checks: [said('file', false, fileMessage)],
    };
  }
  return {
    verdict: 'unknown',
    headline: 'NOT VERIFIED: this file matches no clip recorded by this station. It was modified, re-encoded, or comes from another station.',
    headlineMessage: msg('verify-unknown'),
    sha256: sha,
    clip: null,
    checks: [said('file', false, msg('verify-file-unknown', { sha }))],
  };
}

export async function verifyTarget(ctx: VerifyContext, t: VerifyTarget): Promise<VerifyAnswer> {
  const sha = t.sha256.toLowerCase();
  const { chain, key } = ctx.custody;
  const entries = await chain.clipEntriesBySha(sha);
  const entry = entries[entries.length - 1];
  const body = entry ? parseBody(entry) : null;
  const indexRow = await ctx.clips.newestBySha256(sha);
  if (!entry || !body) {
    if (indexRow) {
      // Indexed but never chained: the entry was removed, or sealing failed.
      return {
        verdict: 'problem',
        headline: `NOT SEALED: this is the clip of order ${indexRow.order_code} (${when(indexRow.started_at)}), but the station's chain has no entry for it.`,
        headlineMessage: msg('verify-not-sealed', { order: indexRow.order_code, time: when(indexRow.started_at) }),
        sha256: sha,
        clip: null,
        checks: [said('chain', false, msg('verify-chain-missing', { clip: indexRow.id }))],
      };
    }
    const exported = await exportedFilesBySha(ctx.db, sha);
    if (exported.length) return derivedAnswer(ctx, t, ownExport(exported, t.path) ?? exported[0]!);
    return unknownAnswer(ctx, t);
  }
  const clip = clipFromBody(body, entry.seq);
  const checks: VerifyCheck[] = [said('file', true, msg('verify-file-ok', { sha }))];
  const row = await ctx.clips.get(clip.id);
  checks.push(
    row && row.sha256 === sha
      ? said('index', true, msg('verify-index-ok', { clip: clip.id }))
      : said('index', false, msg('verify-index-missing', { clip: clip.id })),
  );
  const findings = await entryFindings(chain, entry, key.publicKey, key.fingerprint);
  const linkFindings = findings.filter((f) => f.kind === 'broken-link' || f.kind === 'missing-entry');
  const next = await chain.get(entry.seq + 1);
  if (next && next.prev_hash !== entry.entry_hash) linkFindings.push(found('broken-link', msg('finding-no-link-back', { seq: next.seq, entry: entry.seq })));
  checks.push(linkFindings.length === 0 ? said('chain', true, msg('verify-chain-ok', { seq: entry.seq })) : failing('chain', linkFindings));
  const sigFindings = findings.filter((f) => f.kind === 'bad-signature' || f.kind === 'wrong-key');
  let sidecarsHold = false;
  let sigOk = sigFindings.length === 0;
  if (t.path) {
    const s = sidecarsOf(t.path);
    if (fs.existsSync(s.manifest) && fs.existsSync(s.signature)) {
      const bytes = fs.readFileSync(s.manifest);
      if (!bytes.equals(Buffer.from(entry.body, 'utf8'))) {
        sigOk = false;
        sigFindings.push(found('modified-manifest', msg('finding-manifest-differs', { file: path.basename(s.manifest) })));
      }
      if (!verifyBytes(key.publicKey, bytes, fs.readFileSync(s.signature))) {
        sigOk = false;
        sigFindings.push(found('bad-signature', msg('finding-signature-file-bad', { sig: path.basename(s.signature), file: path.basename(s.manifest) })));
      }
      if (sigOk) sidecarsHold = true;
    }
  }
  const sigMessage = msg(sidecarsHold ? 'verify-signature-ok-sidecars' : 'verify-signature-ok', { fingerprint: key.fingerprint.slice(0, 16) });
  checks.push(sigOk ? said('signature', true, sigMessage) : failing('signature', sigFindings));
  const tsr = t.path && fs.existsSync(sidecarsOf(t.path).timestamp) ? fs.readFileSync(sidecarsOf(t.path).timestamp) : null;
  const token = await tokenCheck(ctx.db, clip.id, sha, tsr);
  checks.push(
    token.ok === false
      ? failing('timestamp', [token.message ? found('token-mismatch', token.message) : { kind: 'token-mismatch', message: token.text }])
      : { what: 'timestamp', ok: token.ok, text: token.text, ...(token.message ? { message: token.message } : {}) },
  );
  const anchor = await anchorCovering(chain.index, entry.seq); // a TSA-stamped chain head at or after this entry (anchors.ts)
  const anchorRow = anchor ? await chain.get(anchor.seq) : undefined;
  if (anchor && anchorRow) {
    const bad = await anchorFindings(chain, anchorRow, { addedCerts: addedTsaCerts(ctx.db) });
    checks.push(bad.length ? failing('chain', bad) : said('chain', true, anchorMessage(anchor)));
  }
  checks.push(continuityCheck(await chain.continuityEntry(clip.id), t.frames ?? null)); // frames missing in the file, and why (continuityCheck.ts)
  const labelLine = labelVerifyCheck(body.labels, Array.isArray(body.orders) ? body.orders.map(String) : []); // what the camera saw
  if (labelLine) checks.push(labelLine);
  for (const later of (await chain.entriesOf(clip.id)).filter((e) => e.seq > entry.seq)) {
    const b = parseBody(later);
    if (!b) continue;
    const who = `${String(b.who ?? 'someone')}${b.why ? ` (${String(b.why)})` : ''}`;
    if (later.kind === 'deleted') checks.push(said('history', null, msg('verify-deleted', { time: when(later.at), who })));
    if (later.kind === 'legal-hold') checks.push(said('history', null, msg(b.hold ? 'verify-hold-set' : 'verify-hold-lifted', { time: when(later.at), who })));
  }
  const bad = checks.filter((c) => c.ok === false);
  return {
    verdict: bad.length ? 'problem' : 'intact',
    headline: bad.length
      ? `PROBLEM: this is ${describeClip(clip)}, but ${bad.map((c) => c.what).join(', ')} ${bad.length === 1 ? 'does' : 'do'} not hold.`
      : `INTACT: this is ${describeClip(clip)}. It has not been changed since it was sealed${token.ok ? ` and existed at ${when(token.tsaTime)} per ${shortName(token.tsaName)}${lateNote(token.tsaTime, clip.endedAt)}` : ''}.`,
    headlineMessage: bad.length
      ? msg('verify-problem', clipParams(clip))
      : token.ok
        ? msg('verify-intact-stamped', { ...clipParams(clip), tsaTime: when(token.tsaTime), tsa: shortName(token.tsaName) })
        : msg('verify-intact', clipParams(clip)),
    notes: [...howMessage(clip), ...lateMessage(token.ok ? token.tsaTime : null, clip.endedAt)],
    sha256: sha,
    clip,
    checks,
  };
}

function shortName(n: string | null): string {
  const cn = n ? /CN=([^,\n]+)/.exec(n)?.[1] : null;
  return cn ?? n ?? 'the timestamp authority';
}

/** A token stamped long after the recording ended proves less; the verdict says how much later. */
function lateNote(tsaMs: number | null, endedAt: string | null): string {
  const late = stampDelay(tsaMs, endedAt ? Date.parse(endedAt) : null);
  return late === null ? '' : ` (stamped ${formatDelay(late)} after the recording ended: unchanged since then is proven, not when it was recorded)`;
}

function lateMessage(tsaMs: number | null, endedAt: string | null): Message[] {
  const late = stampDelay(tsaMs, endedAt ? Date.parse(endedAt) : null);
  return late === null ? [] : [msg('verify-stamped-late', { delay: formatDelay(late) })];
}

/** How verify names an exported file: the words the export wrote for it, or, for an export made before those, its name and date. */
function exportedText(x: ExportedFile): string {
  if (x.file?.text) return x.file.text;
  const preset = typeof x.details.preset === 'string' ? x.details.preset : 'an';
  return `${x.name} of the ${preset} export of ${when(x.entry.at)}`;
}

/**
 * Files alike in several exports (verify.html, station.pem, a part exported twice): the export
 * whose signed manifest lies next to the file is the one it came with; else the newest.
 */
function ownExport(hits: ExportedFile[], file: string | null | undefined): ExportedFile | undefined {
  if (hits.length < 2 || !file) return undefined;
  const mf = path.join(path.dirname(file), 'export-manifest.json');
  if (!fs.existsSync(mf)) return undefined;
  const sha = sha256Hex(fs.readFileSync(mf));
  return hits.find((h) => h.details.manifestSha256 === sha);
}

/** The sealed clip an exported file comes from, from its chain entry (the index row may be gone). */
async function sourceEntry(ctx: VerifyContext, x: ExportedFile): Promise<ChainRow | undefined> {
  const from = x.file?.from;
  if (from?.sha256) return (await ctx.custody.chain.clipEntriesBySha(from.sha256)).at(-1);
  // An export made before files named their origin: the one clip of its entry, if it had one.
  const clips = parseBody(x.entry)?.clips;
  if (Array.isArray(clips) && clips.length === 1) {
    const c = clips[0] as { sha256?: unknown };
    if (typeof c.sha256 === 'string') return (await ctx.custody.chain.clipEntriesBySha(c.sha256)).at(-1);
  }
  return undefined;
}

async function sourceClip(ctx: VerifyContext, x: ExportedFile): Promise<VerifyAnswer['clip']> {
  const e = await sourceEntry(ctx, x);
  const b = e ? parseBody(e) : null;
  return e && b ? clipFromBody(b, e.seq) : null;
}

/**
 * A file the station exported (a part, a still, a sheet, the package's own files): exactly the
 * bytes listed in an export's chain entry. Its verdict is 'derived', never the original: it says
 * which export, what it was made from and how, and checks the export's entry and the source clip's.
 */
async function derivedAnswer(ctx: VerifyContext, t: VerifyTarget, x: ExportedFile): Promise<VerifyAnswer> {
  const sha = t.sha256.toLowerCase();
  const { chain, key } = ctx.custody;
  const checks: VerifyCheck[] = [said('file', true, msg('verify-derived-file-ok', { file: x.name, sha }))];
  const findings = await entryFindings(chain, x.entry, key.publicKey, key.fingerprint);
  const links = findings.filter((f) => f.kind === 'broken-link' || f.kind === 'missing-entry');
  const next = await chain.get(x.entry.seq + 1);
  if (next && next.prev_hash !== x.entry.entry_hash)
    links.push(found('broken-link', msg('finding-no-link-back-export', { seq: next.seq, entry: x.entry.seq })));
  checks.push(links.length === 0 ? said('chain', true, msg('verify-derived-chain-ok', { seq: x.entry.seq })) : failing('chain', links));
  const sigs = findings.filter((f) => f.kind === 'bad-signature' || f.kind === 'wrong-key');
  checks.push(
    sigs.length === 0 ? said('signature', true, msg('verify-derived-signature-ok', { fingerprint: key.fingerprint.slice(0, 16) })) : failing('signature', sigs),
  );
  const manifestSha = typeof x.details.manifestSha256 === 'string' ? x.details.manifestSha256 : null;
  if (t.path && manifestSha) {
    // The package's own export-manifest.json next to the file (the CLI has the folder): the signed one?
    const dir = path.dirname(t.path);
    const mf = path.join(dir, 'export-manifest.json');
    const sig = path.join(dir, 'export-manifest.json.sig');
    if (fs.existsSync(mf) && path.resolve(mf) !== path.resolve(t.path)) {
      const bytes = fs.readFileSync(mf);
      const same = sha256Hex(bytes) === manifestSha;
      const signed = fs.existsSync(sig) && verifyBytes(key.publicKey, bytes, fs.readFileSync(sig));
      checks.push(
        same && signed
          ? said('export', true, msg('verify-export-manifest-ok', { sha: manifestSha.slice(0, 16) }))
          : same
            ? failing('export', [found('bad-signature', msg(fs.existsSync(sig) ? 'finding-export-signature-bad' : 'finding-export-signature-missing'))])
            : said('export', null, msg('verify-export-manifest-other')),
      );
    }
  }
  const source = await sourceEntry(ctx, x);
  const sourceBody = source ? parseBody(source) : null;
  if (x.file && x.file.from === null) {
    checks.push(said('source', null, msg('verify-source-package')));
  } else if (source && sourceBody) {
    const bad = await entryFindings(chain, source, key.publicKey, key.fingerprint);
    checks.push(
      bad.length === 0
        ? said('source', true, msg('verify-source-ok', { clip: String(sourceBody.clipId), seq: source.seq, sha: String(sourceBody.sha256) }))
        : failing('source', bad, msg('verify-source-bad', { seq: source.seq })),
    );
    for (const later of (await chain.entriesOf(String(sourceBody.clipId))).filter((e) => e.kind === 'deleted')) {
      const b = parseBody(later);
      const who = `${String(b?.who ?? 'someone')}${b?.why ? ` (${String(b.why)})` : ''}`;
      checks.push(said('history', null, msg('verify-source-deleted', { time: when(later.at), who })));
    }
  } else {
    checks.push(failing('source', [found('missing-entry', msg('finding-source-missing'))]));
  }
  if (typeof x.details.trustedTime === 'string')
    checks.push(said('timestamp', null, msg('verify-export-trusted-time', { time: when(Date.parse(x.details.trustedTime)) })));
  const bad = checks.filter((c) => c.ok === false);
  const what = exportedText(x);
  return {
    verdict: bad.length ? 'problem' : 'derived',
    headline: bad.length
      ? `PROBLEM: this is ${what}, but ${bad.map((c) => c.what).join(', ')} ${bad.length === 1 ? 'does' : 'do'} not hold.`
      : `EXPORTED: this is ${what}. It is exactly the file the station exported, derived from the sealed clip, not the original recording itself.`,
    headlineMessage: msg(bad.length ? 'verify-derived-problem' : 'verify-derived', { file: what }),
    sha256: sha,
    clip: source && sourceBody ? clipFromBody(sourceBody, source.seq) : null,
    checks,
  };
}
