// `packwitness verify --all`: walk the whole chain and every clip file, and name each problem:
// modified file, missing file, broken link, missing entry, bad signature, token mismatch, …
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../db.ts';
import { SqliteClipIndex } from '../index/sqlite.ts';
import type { EvidenceProblem, VerifyAllReport } from '../../../shared/contract/evidence.ts';
import { sha256File } from '../hash.ts';
import { LocalClipStore } from '../store/local.ts';
import type { SidecarKind, StationClipStore } from '../store/types.ts';
import { dayFolder } from '../clipNames.ts';
import { parseBody, type ChainRow } from './chain.ts';
import { addedTsaCerts, entryFindings, found, LABELS, tokenCheck, type Finding } from './checks.ts';
import { formatMessage, isMessageCode, msg, type Message } from '../../../shared/messages.ts';
import { anchorProblems } from './anchors.ts';
import { verifyBytes } from './keys.ts';
import { sidecarsOf } from './manifest.ts';
import type { StationCustody } from './stationCustody.ts';

export interface VerifyAllContext {
  db: Db;
  clipsDir: string;
  /** Where the clips and their sidecars are read (default: the local store on clipsDir). */
  store?: StationClipStore;
  custody: StationCustody;
  /** Called per clip file hashed, for a progress line on big stations. */
  onProgress?: (done: number, total: number) => void;
}

/** What the walk keeps per sealed clip: small, so a station with years of clips fits in memory. */
interface SealedClip {
  seq: number;
  sha256: string;
  orders: string;
  file: string | null;
  startedAt: number | null;
  sizeBytes: number | null;
  deleted: boolean;
}

const PAGE = 1000;

// Only the day folders the station writes (YYYY-MM-DD): an exports or backup folder a person
// keeps beside them holds copies, not clips to account for.
const DAY_CLIP = /^\d{4}-\d{2}-\d{2}\/[^/]+\.mp4$/i;

async function mp4FilesUnder(store: Pick<StationClipStore, 'list'>): Promise<string[]> {
  return (await store.list((key) => DAY_CLIP.test(key))).map((e) => e.key);
}

export async function verifyAll(ctx: VerifyAllContext): Promise<VerifyAllReport> {
  const { chain, key } = ctx.custody;
  const problems: EvidenceProblem[] = [];
  const add = (f: Finding, seq: number | null, clipId: string | null): void => {
    problems.push({ kind: f.kind, label: LABELS[f.kind], message: f.message, ...(f.words ? { words: f.words } : {}), seq, clipId });
  };

  // 1. The chain itself: every entry's hash, signature, seq and link, read a page at a time.
  const onDiskKey = fs.readFileSync(key.publicFile, 'utf8');
  const clips = new Map<string, SealedClip>();
  let entries = 0;
  let prev: ChainRow | null = null;
  const anchors: ChainRow[] = [];
  // From the lowest possible seq: a row slipped in with seq 0 or below must be seen too.
  for (let after = Number.MIN_SAFE_INTEGER; ;) {
    const rows = await chain.index.page(after, PAGE);
    if (rows.length === 0) break;
    for (const row of rows) {
      entries++;
      if (!prev) {
        if (row.seq !== 1) add(found('missing-entry', msg('verifyall-entries-missing', { first: 1, last: row.seq - 1 })), 1, null);
        else if (parseBody(row)?.publicKey !== onDiskKey) {
          add(found('wrong-key', msg('verifyall-first-key', { file: key.publicFile })), 1, null);
        }
      }
      if (prev && row.seq !== prev.seq + 1) {
        const gap = row.seq - prev.seq - 1;
        add(
          found(
            'missing-entry',
            gap === 1 ? msg('verifyall-entry-missing', { seq: prev.seq + 1 }) : msg('verifyall-entries-missing', { first: prev.seq + 1, last: row.seq - 1 }),
          ),
          prev.seq + 1,
          null,
        );
        // The link check against a missing neighbour would only repeat this finding.
        for (const f of await entryFindings(chain, row, key.publicKey, key.fingerprint))
          if (f.kind !== 'missing-entry' && !/does not link/.test(f.message)) add(f, row.seq, row.clip_id);
      } else {
        for (const f of await entryFindings(chain, row, key.publicKey, key.fingerprint, prev)) add(f, row.seq, row.clip_id);
      }
      prev = row;
      if (row.kind === 'anchor') anchors.push(row);
      const body = parseBody(row);
      const clipId = row.clip_id;
      if (!body || !clipId) continue;
      if (row.kind === 'clip') {
        clips.set(clipId, {
          seq: row.seq,
          sha256: String(body.sha256),
          orders: Array.isArray(body.orders) ? body.orders.join(', ') : '?',
          file: typeof body.file === 'string' ? body.file : null,
          startedAt: typeof body.startedAt === 'number' ? body.startedAt : null,
          sizeBytes: typeof body.sizeBytes === 'number' ? body.sizeBytes : null,
          deleted: false,
        });
      }
      if (row.kind === 'deleted') {
        const c = clips.get(clipId);
        if (c) c.deleted = true;
      }
    }
    after = rows[rows.length - 1]!.seq;
  }

  // 1b. Every anchor: the TSA's token must stamp the hash its head entry has now. A chain the
  // station rewrote (entries removed, inserted, reordered, or all re-signed with another key)
  // passes the checks above when redone carefully, but not these.
  problems.push(...(await anchorProblems(chain, anchors, { addedCerts: addedTsaCerts(ctx.db) })));

  // 2. The index: every finished clip must be in the chain, and every chained clip in the index.
  const index = new SqliteClipIndex(ctx.db);
  const indexed = await index.finished();
  const indexedIds = new Set(indexed.map((r) => r.id));
  for (const r of indexed) {
    if (!clips.has(r.id)) add(found('missing-entry', msg('verifyall-not-chained', { clip: r.id, order: r.order_code })), null, r.id);
  }

  // 3. Every sealed, not deleted clip: its file, its sidecars and its token.
  const bySha = new Map<string, SealedClip>();
  for (const c of clips.values()) bySha.set(c.sha256, c);
  const live = [...clips.entries()].filter(([, c]) => !c.deleted);
  const store = ctx.store ?? new LocalClipStore(ctx.clipsDir);
  const known = new Set<string>();
  let done = 0;
  let tokens = 0;
  for (const [clipId, c] of live) {
    const which = { orders: c.orders, seq: c.seq };
    const indexRow = await index.get(clipId);
    if (!indexedIds.has(clipId)) add(found('missing-entry', msg('verifyall-index-row-deleted', which)), c.seq, clipId);
    // Without its index row, the sealed start time and file name still say where the file lives.
    const rel = indexRow?.file ?? (c.file !== null && c.startedAt !== null ? path.join(dayFolder(c.startedAt), c.file) : null);
    const file = rel ? store.localPath(rel) : null;
    if (rel) known.add(path.normalize(rel));
    const stored = rel ? await store.stat(rel) : null;
    if (!rel || !file || !stored) {
      add(
        found('missing-file', file ? msg('verifyall-file-gone-at', { ...which, file: path.relative(ctx.clipsDir, file) }) : msg('verifyall-file-gone', which)),
        c.seq,
        clipId,
      );
      continue;
    }
    const shown = path.relative(ctx.clipsDir, file);
    const sealedSha = c.sha256;
    const sha = await sha256File(file); // hashed where the local store keeps it
    ctx.onProgress?.(++done, live.length);
    if (sha !== sealedSha) {
      const size = stored.size;
      const other = bySha.get(sha);
      const sealedSize = c.sizeBytes;
      const words = other
        ? msg('verifyall-file-swapped', { file: shown, ...which, other: other.orders, otherSeq: other.seq })
        : sealedSize !== null && size < sealedSize
          ? msg('verifyall-file-truncated', { file: shown, ...which, size, sealedSize })
          : msg('verifyall-file-changed', { file: shown, ...which });
      add(found('modified-file', words), c.seq, clipId);
    }
    if (indexRow?.sha256 && indexRow.sha256 !== sealedSha) {
      add(found('broken-link', msg('verifyall-index-sha', which)), c.seq, clipId);
    }
    const s = sidecarsOf(file); // their names, for the findings
    const manifest = await store.getSidecar(rel, 'manifest');
    const sig = await store.getSidecar(rel, 'signature');
    if (!manifest || !sig) {
      add(
        found('missing-sidecar', msg('verifyall-sidecar-missing', { sidecar: path.basename(!manifest ? s.manifest : s.signature), file: shown })),
        c.seq,
        clipId,
      );
    } else {
      if (!manifest.equals(Buffer.from((await chain.get(c.seq))?.body ?? '', 'utf8'))) {
        add(found('modified-manifest', msg('verifyall-manifest-edited', { manifest: path.basename(s.manifest), seq: c.seq })), c.seq, clipId);
      }
      if (!verifyBytes(key.publicKey, manifest, sig)) {
        add(found('bad-signature', msg('verifyall-signature-bad', { sig: path.basename(s.signature), manifest: path.basename(s.manifest) })), c.seq, clipId);
      }
    }
    const tsr = await store.getSidecar(rel, 'timestamp');
    const token = await tokenCheck(ctx.db, clipId, sealedSha, tsr);
    if (token.state === 'done') tokens++;
    if (token.state === 'done' && !tsr)
      add(found('missing-sidecar', msg('verifyall-tsr-missing', { tsr: path.basename(s.timestamp), file: shown })), c.seq, clipId);
    if (token.ok === false) add(tokenFinding(shown, token.text, token.message), c.seq, clipId);
  }

  // 4. Clip files that no chain entry speaks for (copied in, or their entry was removed).
  for (const rel of await mp4FilesUnder(store)) {
    if (known.has(path.normalize(rel))) continue;
    const deletedHere = [...clips.values()].some((c) => c.deleted && c.file === path.basename(rel));
    add(found('missing-entry', msg(deletedHere ? 'verifyall-deleted-file-back' : 'verifyall-unsealed-file', { file: rel })), null, null);
  }

  return { ok: problems.length === 0, entries, clips: live.length, timestamps: tokens, anchors: anchors.length, problems };
}

/**
 * A token that does not hold, after the file's name: its finding's code with the file in front
 * (`verifyall-token-*`), where that reads as the English; else English only.
 */
function tokenFinding(file: string, text: string, inner: Message | undefined): Finding {
  const message = `${file}: ${text}`;
  const code = inner ? `verifyall-token-${inner.code.replace(/^finding-token-/, '')}` : '';
  const words: Message | null = inner && isMessageCode(code) ? { code, params: { ...inner.params, file } } : null;
  return words && formatMessage(words) === message ? { kind: 'token-mismatch', message, words } : { kind: 'token-mismatch', message };
}

/**
 * Rewrites sidecars that are missing (a crash between sealing and writing them, a copy that lost
 * them) from the chain and the index, which hold the exact signed bytes and the token. Existing
 * sidecars are never overwritten: a changed one stays for `verify --all` to report.
 */
export async function repairMissingSidecars(ctx: Pick<VerifyAllContext, 'db' | 'clipsDir' | 'store' | 'custody'>): Promise<string[]> {
  const restored: string[] = [];
  const store = ctx.store ?? new LocalClipStore(ctx.clipsDir);
  const rows = await new SqliteClipIndex(ctx.db).sidecarSources();
  for (const r of rows) {
    const s = sidecarsOf(store.localPath(r.file)); // their names, for the list of what was restored
    if (!(await store.stat(r.file))) continue; // nothing to put sidecars next to
    const wants: [SidecarKind, Buffer | null][] = [
      ['manifest', Buffer.from(r.body, 'utf8')],
      ['signature', Buffer.from(r.signature, 'base64')],
      ['timestamp', r.response],
    ];
    for (const [kind, bytes] of wants) {
      if (!bytes || (await store.getSidecar(r.file, kind)) !== null) continue;
      await store.putSidecar(r.file, kind, bytes);
      restored.push(path.relative(ctx.clipsDir, s[kind]));
    }
  }
  return restored;
}
