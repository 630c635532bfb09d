// An in-memory hub behind the publisher's client interface, for the outbox's own logic (ordering,
// idempotence, retention's gate, refusals). The real hub server and client are exercised by the
// *.hub.test.ts files here; this fake signs receipts with a real Ed25519 key so the station's
// receipt checks run as they do against the real hub.
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { fingerprintOf } from '../../electron/engine/evidence/keys.ts';
import type { ChainEntryLike, HubConnector, HubClientLike, ReceiptLike, HoldLike } from '../../electron/engine/publish/hubApi.ts';
import { receiptSigningBytes } from '../../shared/hubWire.ts';

export class FakeHubError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

export class FakeHub {
  readonly key: KeyObject;
  readonly publicKeyPem: string;
  readonly fingerprint: string;
  readonly name = 'Fake hub';
  up = true;
  /** sha256 → receipt */
  readonly clips = new Map<string, { receipt: ReceiptLike; bytes: number; tsr: boolean; order: string }>();
  readonly chain = new Map<number, ChainEntryLike>();
  readonly uploads: string[] = [];
  readonly holdsList: HoldLike[] = [];
  refuse = new Set<string>();
  private readonly privateKey: KeyObject;

  constructor() {
    const pair = generateKeyPairSync('ed25519');
    this.privateKey = pair.privateKey;
    this.key = pair.publicKey;
    this.publicKeyPem = pair.publicKey.export({ type: 'spki', format: 'pem' }) as string;
    this.fingerprint = fingerprintOf(pair.publicKey);
  }

  code(): string {
    return `PWE1-ABCDEFGHIJKLMNOPQRST-${this.fingerprint.slice(0, 16)}`;
  }

  private check(): void {
    if (!this.up) throw new FakeHubError('unreachable', 'connection refused');
  }

  connector(): HubConnector {
    return {
      enroll: async (hubUrl) => {
        this.check();
        return { hubUrl, hubFingerprint: this.fingerprint, hubName: this.name, hubPublicKeyPem: this.publicKeyPem, enrolledAt: Date.now() };
      },
      open: (cfg): HubClientLike => ({
        hello: async () => {
          this.check();
          if (cfg.hubFingerprint !== this.fingerprint) throw new FakeHubError('impostor', 'not the pinned key');
        },
        publishChain: async (entries) => {
          this.check();
          for (const e of entries) this.chain.set(e.seq, e);
          let head = 0;
          while (this.chain.has(head + 1)) head++;
          return { results: entries.map((e) => ({ seq: e.seq, outcome: 'inserted' as const })), head };
        },
        publishClip: async (clip) => {
          this.check();
          if (this.refuse.has(clip.row.order)) throw new FakeHubError('refused', 'hash-mismatch');
          if (!this.chain.has(clip.chainSeq)) throw new FakeHubError('refused', 'not-in-chain');
          const have = this.clips.get(clip.sha256);
          if (have) return have.receipt;
          const bytes = (await clip.read(0, clip.size - 1)).length;
          this.uploads.push(clip.row.order);
          const fields = { sha256: clip.sha256, station: cfg.station.fingerprint, clipId: clip.row.clipId, receivedAt: Date.now(), verifiedAt: Date.now() };
          const receipt = { ...fields, signature: sign(null, receiptSigningBytes(fields), this.privateKey).toString('base64') };
          this.clips.set(clip.sha256, { receipt, bytes, tsr: clip.tsr !== null, order: clip.row.order });
          return receipt;
        },
        publishTsr: async (sha) => {
          this.check();
          const c = this.clips.get(sha);
          if (c) c.tsr = true;
        },
        clipState: async (sha) => {
          this.check();
          const c = this.clips.get(sha);
          return c ? { state: 'confirmed', receipt: c.receipt } : { state: 'missing' };
        },
        holds: async (since) => {
          this.check();
          return this.holdsList.filter((h) => h.at >= since);
        },
      }),
    };
  }
}
