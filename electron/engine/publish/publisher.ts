// The publisher loop: sends this station's evidence to the hub it is enrolled with. One round:
// hello (the hub proves it holds the pinned key), the chain entries the hub has not answered yet,
// then the sealed clips in the outbox newest first, one upload at a time (the client streams the
// file in parts and resumes from the parts the hub already holds), late timestamp tokens, and the
// legal holds set on the hub. A failed round waits 5 s, doubling to 5 min. Nothing here runs in a
// recording's path: sealing only writes the outbox row (the chain index queues it), and the loop is
// told to look. It reads the index through its seams and the clip through the clip store, never by path.
import { errorMessage } from '../../../shared/errorMessage.ts';
import type { HubErrorCode } from '../../../shared/contract/hub.ts';
import { backoffMs } from './backoff.ts';
import { failureOf, type ClipLookup, type HubClientLike, type HubConnector, type StationSignerLike } from './hubApi.ts';
import { receiptValid, type HubIndex, type HubLinkRow, type OutboxRow } from './outbox.ts';
import { isFinished, type ChainIndex, type TimestampIndex } from '../index/types.ts';
import type { ClipStore } from '../store/types.ts';
import { MAX_CHAIN_ENTRIES } from './limits.ts';

export interface PublisherOptions {
  /** The hub link and the outbox in the index. */
  hub: HubIndex;
  /** The chain entries to send, and each clip's sealing entry. */
  chain: Pick<ChainIndex, 'page' | 'get'>;
  /** A clip's timestamp token, sent with it when it is there. */
  timestamps: Pick<TimestampIndex, 'get'>;
  /** Where the clip's bytes are read from, by the key its index row names. */
  store: Pick<ClipStore, 'stat' | 'readRange'>;
  connector: HubConnector;
  /** The station key as a signer, or null when this process cannot sign (no private key). */
  signer: () => StationSignerLike | null;
  clipRow: ClipLookup;
  /** Applies a hold the hub set or lifted to the local clip (the engine's clips.setHold). */
  applyHold: (clipId: string, held: boolean, reason: string, by: string) => Promise<void>;
  log: (line: string) => void;
  /** Raised to the packer (Status, open pages): refusals and an impostor hub. */
  alarm: (message: string) => void;
  now?: () => number;
  firstBackoffMs?: number;
  maxBackoffMs?: number;
}

/** The hub's 503 codes for its own storage being down (server/http.ts). */
const STORAGE_DOWN: Record<string, string> = {
  'store-unavailable': 'the hub is up but its clip store cannot be reached',
  'index-unavailable': 'the hub is up but its index database cannot be reached',
};

/** A failure that ends the round (the hub is away, or not the hub we pinned). */
class RoundFailed extends Error {
  readonly code: HubErrorCode;
  constructor(code: HubErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export const ERROR_WORDS: Record<HubErrorCode, string> = {
  unreachable: 'the hub cannot be reached',
  impostor: 'a server at the hub address did not prove it holds the hub key this station pinned (an impostor?); nothing was sent to it',
  unauthorized: 'the hub does not know this station (enroll it again)',
  refused: 'the hub refused what this station sent',
  'bad-response': 'the hub answered something this station cannot read',
  other: 'publishing failed',
};

export class Publisher {
  private readonly o: PublisherOptions;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private started = false;
  private failures = 0;
  private again = false;
  private abort = new AbortController();
  /** Alarms already raised this run, so a refused clip or an impostor is said once, not every round. */
  private readonly said = new Set<string>();

  constructor(o: PublisherOptions) {
    this.o = o;
  }

  private now(): number {
    return this.o.now?.() ?? Date.now();
  }

  /** Runs a round now and keeps going (the long-running doors; one-shot CLI commands do not). */
  start(): void {
    if (this.started) return;
    this.started = true;
    if (this.abort.signal.aborted) this.abort = new AbortController();
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.abort.abort();
    await (this.running ?? Promise.resolve()).catch(() => {});
  }

  /** Something to publish (a clip sealed, a station enrolled): look now unless the hub is in back-off. */
  kick(force = false): void {
    if (!this.started) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (force) this.failures = 0;
    if (this.failures === 0 || force) this.schedule(0);
  }

  /** Settles when the round in flight (if any) is done. */
  idle(): Promise<void> {
    return (this.running ?? Promise.resolve()).catch(() => {});
  }

  private schedule(ms: number): void {
    if (!this.started) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.runRound().then(() => {
        if (!this.started) return;
        if (this.failures > 0) this.schedule(backoffMs(this.failures, this.o.firstBackoffMs, this.o.maxBackoffMs));
        else if (this.again) this.schedule(0);
        else this.schedule(60_000); // holds set on the hub and late tokens are looked for each minute
      });
    }, ms);
    this.timer.unref();
  }

  /** One round (tests call it directly). Rounds never overlap. */
  runRound(): Promise<void> {
    this.running ??= this.round().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async round(): Promise<void> {
    this.again = false;
    const hub = this.o.hub;
    const link = await hub.hubLink.get();
    if (!link) return;
    const signer = this.o.signer();
    if (!signer) return;
    try {
      const client = this.o.connector.open({
        url: link.url,
        hubFingerprint: link.hub_fingerprint,
        hubPublicKeyPem: link.hub_public_key_pem,
        station: signer,
        timeoutMs: 30_000,
      });
      await this.call(() => client.hello());
      await this.publishChain(client, link, Infinity);
      await this.publishClips(client, link);
      await this.publishTokens(client);
      await this.applyHolds(client, link);
      this.failures = 0;
      await hub.hubLink.noteSuccess(this.now());
    } catch (err) {
      if (this.abort.signal.aborted) return;
      const f = err instanceof RoundFailed ? err : new RoundFailed('other', errorMessage(err));
      this.failures++;
      await hub.hubLink.noteError(f.code, f.message, this.now());
      this.o.log(`hub: ${f.message}`);
      if (f.code === 'impostor' || f.code === 'unauthorized') this.alarmOnce(`hub:${f.code}`, `Publishing to the hub stopped: ${f.message}.`);
    }
  }

  private alarmOnce(key: string, message: string): void {
    if (this.said.has(key)) return;
    this.said.add(key);
    this.o.alarm(message);
  }

  /** A client call; its failure ends the round with a plain reason. 'refused' is left to the caller. */
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const code = failureOf(err);
      if (code === 'refused') throw err;
      const detail = errorMessage(err);
      // The hub answers but its storage is down: said as such, so nobody hunts for a network fault.
      const down = STORAGE_DOWN[(err as { hubCode?: string }).hubCode ?? ''];
      if (code === 'unreachable' && down) throw new RoundFailed(code, `${down}; this station keeps its clips and tries again (${detail})`);
      throw new RoundFailed(code, `${ERROR_WORDS[code]}${detail && code !== 'impostor' ? ` (${detail})` : ''}`);
    }
  }

  /** Chain entries above what the hub answered, oldest first, up to `through` (a clip's sealing entry). */
  private async publishChain(client: HubClientLike, link: HubLinkRow, through: number): Promise<void> {
    for (;;) {
      if (this.abort.signal.aborted) throw new RoundFailed('other', 'stopped');
      const sent = await this.o.hub.hubLink.chainSent();
      if (sent >= through) return;
      const rows = await this.o.chain.page(sent, MAX_CHAIN_ENTRIES);
      if (rows.length === 0) return;
      const entries = rows.map((r) => ({
        seq: r.seq,
        prev: r.prev_hash,
        hash: r.entry_hash,
        signature: r.signature,
        kind: r.kind,
        at: r.at,
        clipId: r.clip_id,
        body: r.body,
      }));
      let answer;
      try {
        answer = await this.call(() => client.publishChain(entries));
      } catch (err) {
        throw err instanceof RoundFailed
          ? err
          : new RoundFailed('refused', `the hub refused chain entries ${rows[0]!.seq}–${rows.at(-1)!.seq}: ${errorMessage(err)}`);
      }
      const refused = answer.results.filter((r) => r.outcome === 'refused');
      for (const r of refused)
        this.alarmOnce(`chain:${r.seq}`, `The hub refused chain entry ${r.seq} of this station${r.reason ? ` (${r.reason})` : ''}; this station keeps it.`);
      await this.o.hub.hubLink.setChainSent(rows.at(-1)!.seq);
      void link;
    }
  }

  private async publishClips(client: HubClientLike, link: HubLinkRow): Promise<void> {
    const skip = new Set<string>();
    for (;;) {
      if (this.abort.signal.aborted) throw new RoundFailed('other', 'stopped');
      const job = await this.o.hub.outbox.nextPending(skip);
      if (!job) return;
      skip.add(job.clip_id);
      await this.publishOne(client, link, job);
    }
  }

  private async publishOne(client: HubClientLike, link: HubLinkRow, job: OutboxRow): Promise<void> {
    const outbox = this.o.hub.outbox;
    const store = this.o.store;
    const row = await this.o.clipRow(job.clip_id);
    // The clip's key in the store is the file its index row names, once it is finished.
    const key = row && isFinished(row.status) ? row.file : null;
    const entry = await this.o.chain.get(job.chain_seq);
    const stat = key ? await store.stat(key).catch(() => null) : null;
    if (!row || !key || !stat || !entry || row.sha256 !== job.sha256) {
      // Deleted (or replaced) before it reached the hub: the hub lists the hole from the chain.
      await outbox.markGone(job.clip_id, 'the clip file is no longer on this station');
      return;
    }
    await this.publishChain(client, link, job.chain_seq);
    const stamp = await this.o.timestamps.get(job.clip_id);
    const tsr = stamp?.state === 'done' ? stamp.response : null;
    try {
      const receipt = await this.call(() =>
        client.publishClip(
          {
            sha256: job.sha256,
            size: stat.size,
            read: (start, end) => store.readRange(key, start, end),
            row: {
              clipId: row.id,
              order: row.order_code,
              mode: row.mode,
              operator: row.operator,
              startedAt: row.started_at,
              endedAt: row.ended_at ?? row.started_at,
              durationMs: row.duration_ms ?? 0,
              sizeBytes: row.size_bytes ?? stat.size,
              status: row.status,
              stopReason: row.stop_reason,
              note: row.note,
            },
            manifest: Buffer.from(entry.body, 'utf8'),
            signature: Buffer.from(entry.signature, 'base64'),
            tsr,
            chainSeq: job.chain_seq,
          },
          { signal: this.abort.signal },
        ),
      );
      if (!receiptValid(receipt, link.hub_public_key_pem, job.sha256)) {
        throw new RoundFailed('bad-response', `the hub's receipt for the clip of ${row.order_code} is not signed by the pinned hub key`);
      }
      await outbox.confirm(job.clip_id, JSON.stringify(receipt), this.now(), tsr !== null);
      await this.o.hub.hubLink.noteSuccess(this.now());
    } catch (err) {
      if (err instanceof RoundFailed) {
        await outbox.noteAttempt(job.clip_id, err.message);
        throw err;
      }
      // Refused (422): the same bytes are not sent again; the station keeps its copy.
      const message = `the hub refused the clip of ${row.order_code} (${errorMessage(err)})`;
      await outbox.refuse(job.clip_id, message);
      await this.o.hub.hubLink.noteError('refused', message, this.now());
      this.alarmOnce(`clip:${job.clip_id}`, `The hub refused the clip of ${row.order_code}: ${errorMessage(err)}. This station keeps it.`);
    }
  }

  /** Tokens that arrived after their clip was published. */
  private async publishTokens(client: HubClientLike): Promise<void> {
    for (const r of await this.o.hub.outbox.tokensToSend(100)) {
      await this.call(() => client.publishTsr(r.sha256, r.response));
      await this.o.hub.outbox.markTokenSent(r.clip_id);
    }
  }

  /** Holds set or lifted on the hub reach the local copy, so retention keeps what a dispute needs. */
  private async applyHolds(client: HubClientLike, link: HubLinkRow): Promise<void> {
    const since = (await this.o.hub.hubLink.holdsSince()) ?? link.holds_since;
    const holds = await this.call(() => client.holds(since));
    let newest = since;
    for (const h of [...holds].sort((a, b) => a.at - b.at)) {
      newest = Math.max(newest, h.at);
      const local = await this.o.clipRow(h.clipId);
      if (!local || local.sha256 !== h.sha256 || !isFinished(local.status)) continue;
      if ((local.legal_hold === 1) === h.held) continue;
      try {
        await this.o.applyHold(
          h.clipId,
          h.held,
          h.reason ?? (h.held ? 'legal hold set on the hub' : 'legal hold lifted on the hub'),
          `hub${h.by ? `: ${h.by}` : ''}`.slice(0, 60),
        );
      } catch (err) {
        this.o.log(`hub: the hold on clip ${h.clipId} could not be applied here: ${errorMessage(err)}`);
      }
    }
    if (newest !== since) await this.o.hub.hubLink.setHoldsSince(newest);
  }
}
