// Chain anchors: at a steady rhythm the station asks a TSA to stamp the hash of its newest chain
// entry (the chain head), and records the token as a chain entry of kind 'anchor'. The station's
// own key is on the merchant's PC, so a signature alone cannot show that the record was not
// rewritten later; a third party's token over the head can: a clip inserted, removed or moved
// below the head, or the whole chain re-signed with another key, changes the head's hash, and the
// stamped hash no longer matches. Anchor jobs share the clips' timestamp queue (id `anchor:<seq>`),
// so an offline station queues them and catches up like clip tokens, never delaying recording.
import type { ChainIndex, TimestampIndex } from '../index/types.ts';
import type { EvidenceProblem } from '../../../shared/contract/evidence.ts';
import { parseBody, type Chain, type ChainRow } from './chain.ts';
import { found, LABELS, when, type Finding } from './checks.ts';
import { formatMessage, msg, type Message } from '../../../shared/messages.ts';
import { parseTimestampResponse, requestTimestamp, shortTsaName, type TimestampInfo } from './tsa.ts';
import type { TimestampQueue } from './tsaQueue.ts';
import { errorMessage } from '../../../shared/errorMessage.ts';

/** Entries between two anchors: at ~300 orders a day (a clip and a continuity entry each) several a day. */
export const ANCHOR_EVERY_ENTRIES = 50;
/** And every hour in which something was added, so a quiet station's record is pinned the same day. */
export const ANCHOR_EVERY_MS = 60 * 60_000;

export const ANCHOR_JOB_PREFIX = 'anchor:';

/** The anchor entry's own fields (besides v, seq, prev, kind, at, key). */
export interface AnchorFields {
  /** The stamped entry (the chain head when it was stamped) and its hash. */
  head: number;
  headHash: string;
  tsa: string;
  tsaTime: number;
  /** The TSA's whole TimeStampResp, base64 (the same bytes as an anchor's .tsr file). */
  token: string;
}

/** The seq of the newest head an anchor was asked for (done or pending), 0 when none. */
function lastRequestedHead(jobs: Pick<TimestampIndex, 'highestNumbered'>): Promise<number> {
  return jobs.highestNumbered(ANCHOR_JOB_PREFIX);
}

/**
 * Queues a timestamp of the chain head when one is due: `force` (hourly, at shutdown) whenever a
 * non-anchor entry came after the last stamped head, otherwise once every ANCHOR_EVERY_ENTRIES.
 * A newer head replaces an anchor job still waiting (offline): stamping the newest covers all.
 * Returns the head's seq when a job was queued.
 */
export async function requestAnchorIfDue(
  chain: Pick<ChainIndex, 'head' | 'countNonAnchorsAfter'>,
  queue: TimestampQueue,
  force: boolean,
  every = ANCHOR_EVERY_ENTRIES,
): Promise<number | null> {
  const head = await chain.head();
  if (!head) return null;
  const last = await lastRequestedHead(queue.index);
  // Only anchors since the last request: nothing new to pin (an anchor entry alone is no activity).
  const news = await chain.countNonAnchorsAfter(last);
  if (news === 0 || (!force && head.seq - last < every)) return null;
  await queue.index.dropPendingNumbered(ANCHOR_JOB_PREFIX);
  await queue.enqueue(`${ANCHOR_JOB_PREFIX}${head.seq}`, head.entry_hash);
  return head.seq;
}

/** A stamped head becomes a signed chain entry holding the token. */
export async function appendAnchor(
  jobs: Pick<TimestampIndex, 'get'>,
  chain: Chain,
  jobId: string,
  response: Buffer,
  info: TimestampInfo,
): Promise<ChainRow | null> {
  const job = await jobs.get(jobId);
  const head = Number(jobId.slice(ANCHOR_JOB_PREFIX.length));
  if (!job || !Number.isInteger(head)) return null;
  const fields: AnchorFields = { head, headHash: job.sha256, tsa: shortTsaName(info.name), tsaTime: info.time, token: response.toString('base64') };
  return chain.append('anchor', null, { ...fields });
}

export interface AnchorView {
  seq: number;
  head: number;
  tsa: string;
  tsaTime: number;
}

/** The first anchor whose stamped head is at or after `seq`: the entry was in the record by its time. */
export async function anchorCovering(chain: Pick<ChainIndex, 'anchorCovering'>, seq: number): Promise<AnchorView | null> {
  const row = await chain.anchorCovering(seq);
  const b = row ? parseBody(row) : null;
  if (!row || !b || typeof b.head !== 'number' || typeof b.tsaTime !== 'number') return null;
  return { seq: row.seq, head: b.head, tsa: String(b.tsa ?? 'a TSA'), tsaTime: b.tsaTime };
}

/** "in the station's record by 10:00:00 UTC on 2026-12-06 at the latest (anchor of DigiCert)". */
export function anchorLine(a: AnchorView): string {
  return formatMessage(anchorMessage(a));
}

export function anchorMessage(a: AnchorView): Message {
  return msg('verify-anchor', { time: when(a.tsaTime), tsa: a.tsa, seq: a.seq, head: a.head });
}

/**
 * Checks one anchor entry against the chain as it is now: the TSA's token must be readable, stamp
 * SHA-256 and cover exactly the hash the entry at `head` has today. Anything else is named.
 * `chain` is a station's chain, or the entries a hub holds of it (hub/console/verify.ts).
 */
export async function anchorFindings(
  chain: Pick<Chain, 'get' | 'byHash'>,
  row: ChainRow,
  addedCerts: Parameters<typeof parseTimestampResponse>[1],
): Promise<Finding[]> {
  const b = parseBody(row);
  const seq = row.seq;
  const mismatch = (m: Message): Finding => found('anchor-mismatch', m);
  if (!b || typeof b.head !== 'number' || typeof b.token !== 'string') return [mismatch(msg('finding-anchor-unreadable', { seq }))];
  let info: TimestampInfo;
  try {
    info = parseTimestampResponse(Buffer.from(b.token, 'base64'), addedCerts);
  } catch (err) {
    return [mismatch(msg('finding-anchor-token-unreadable', { seq, error: errorMessage(err) }))];
  }
  const by = { tsa: shortTsaName(info.name), time: when(info.time) };
  if (info.hashAlgorithm !== 'sha256') return [mismatch(msg('finding-anchor-other-hash', { seq, algorithm: info.hashAlgorithm }))];
  if (info.trust.status === 'invalid') return [mismatch(msg('finding-anchor-token-invalid', { seq, reason: String(info.trust.reason) }))];
  const out: Finding[] = [];
  const stamped = await chain.get(b.head);
  if (!stamped) {
    out.push(mismatch(msg('finding-anchor-head-gone', { seq, ...by, head: b.head })));
  } else if (stamped.entry_hash !== info.hashedMessage) {
    const moved = await chain.byHash(info.hashedMessage);
    out.push(
      mismatch(
        moved ? msg('finding-anchor-moved', { seq, ...by, moved: moved.seq, head: b.head }) : msg('finding-anchor-changed', { seq, ...by, head: b.head }),
      ),
    );
  }
  if (b.headHash !== info.hashedMessage && out.length === 0) out.push(mismatch(msg('finding-anchor-head-hash', { seq })));
  return out;
}

export async function anchorProblems(chain: Chain, rows: ChainRow[], addedCerts: Parameters<typeof parseTimestampResponse>[1]): Promise<EvidenceProblem[]> {
  const out: EvidenceProblem[] = [];
  for (const row of rows) {
    for (const f of await anchorFindings(chain, row, addedCerts)) {
      out.push({ kind: f.kind, label: LABELS[f.kind], message: f.message, words: f.words, seq: row.seq, clipId: null });
    }
  }
  return out;
}

/**
 * Stamps the chain head now, outside the queue's rhythm: an export of a clip no anchor covers yet
 * asks once, so the package normally carries one. The job is recorded as done under the same id the
 * queue uses, so the rhythm counts it; older anchor jobs still waiting are covered by this one.
 * Returns the anchor entry, or null when no TSA answered (the package then says no anchor covers it yet).
 */
export async function anchorNow(
  jobs: TimestampIndex,
  chain: Chain,
  urls: string[],
  signal?: AbortSignal,
  turn: <T>(record: () => Promise<T>) => Promise<T> = (record) => record(),
): Promise<ChainRow | null> {
  const head = await chain.index.head();
  if (!head) return null;
  const jobId = `${ANCHOR_JOB_PREFIX}${head.seq}`;
  for (const url of urls) {
    if (signal?.aborted) return null;
    try {
      const { response, info } = await requestTimestamp(url, head.entry_hash, 15_000, signal);
      // Recorded in the anchor rhythm's turn (`turn`): its check never sees the jobs half changed.
      return await turn(async () => {
        await jobs.dropPendingNumbered(ANCHOR_JOB_PREFIX, head.seq);
        await jobs.putDone(jobId, head.entry_hash, { url, name: info.name, time: info.time, response });
        return appendAnchor(jobs, chain, jobId, response, info);
      });
    } catch {
      // the next TSA of the list; none answering leaves the export without an anchor, said in the package
    }
  }
  return null;
}

/** The chain from a clip's entry up to and including the anchor that covers it, as a package carries it. */
export interface ChainSegment {
  format: typeof SEGMENT_FORMAT;
  clipId: string;
  /** Every entry from the clip's entry to the anchor entry, in order: body as signed, its SHA-256, its signature (base64). */
  entries: { seq: number; body: string; hash: string; signature: string }[];
  anchor: { seq: number; head: number; tsa: string; tsaTime: string };
}

export const SEGMENT_FORMAT = 'packwitness-chain-segment/1';

/** The segment of the clip entry at `seq`, or null when no anchor covers it yet. */
export async function chainSegment(chain: ChainIndex, clipId: string, seq: number): Promise<{ segment: ChainSegment; token: Buffer } | null> {
  const a = await anchorCovering(chain, seq);
  if (!a) return null;
  const rows = await chain.range(seq, a.seq);
  const anchorBody = rows.length ? parseBody(rows[rows.length - 1]!) : null;
  if (!anchorBody || typeof anchorBody.token !== 'string') return null;
  return {
    segment: {
      format: SEGMENT_FORMAT,
      clipId,
      entries: rows.map((r) => ({ seq: r.seq, body: r.body, hash: r.entry_hash, signature: r.signature })),
      anchor: { seq: a.seq, head: a.head, tsa: a.tsa, tsaTime: new Date(a.tsaTime).toISOString() },
    },
    token: Buffer.from(anchorBody.token, 'base64'),
  };
}
