// Retention's question once the station is enrolled: may this clip's file go? Only when the hub
// confirmed it, with a receipt signed by the pinned hub key, and the hub still says so just before
// the delete (clipState): confirmed → yes; missing, unreachable, anything else → keep it. A clip
// the hub has lost goes back into the outbox. Not enrolled: every clip may go, as before.
import { errorMessage } from '../../../shared/errorMessage.ts';
import type { ClipRowLike, HubConnector, StationSignerLike } from './hubApi.ts';
import { receiptValid, storedReceiptOk, type HubIndex } from './outbox.ts';

export interface HubGateOptions {
  /** The hub link and the outbox in the index. */
  hub: HubIndex;
  connector: HubConnector;
  signer: () => StationSignerLike | null;
  log: (line: string) => void;
}

export class HubGate {
  private readonly o: HubGateOptions;
  constructor(o: HubGateOptions) {
    this.o = o;
  }

  /** Cheap, no network: false when enrolled and the clip has no valid receipt (retention skips it). */
  async confirmedLocally(row: Pick<ClipRowLike, 'id' | 'sha256'>): Promise<boolean> {
    const link = await this.o.hub.hubLink.get();
    if (!link) return true;
    return !!row.sha256 && (await storedReceiptOk(this.o.hub, link, row.id, row.sha256));
  }

  /** Asked just before the file is deleted. */
  async mayDelete(row: Pick<ClipRowLike, 'id' | 'sha256' | 'order_code'>): Promise<boolean> {
    const link = await this.o.hub.hubLink.get();
    if (!link) return true;
    if (!row.sha256 || !(await storedReceiptOk(this.o.hub, link, row.id, row.sha256))) return false;
    const signer = this.o.signer();
    if (!signer) return false;
    try {
      const client = this.o.connector.open({
        url: link.url,
        hubFingerprint: link.hub_fingerprint,
        hubPublicKeyPem: link.hub_public_key_pem,
        station: signer,
        timeoutMs: 10_000,
      });
      await client.hello();
      const state = await client.clipState(row.sha256);
      if (state.state === 'confirmed' && receiptValid(state.receipt, link.hub_public_key_pem, row.sha256)) return true;
      if (state.state === 'missing') {
        await this.o.hub.outbox.requeue(row.id, 'the hub no longer holds this clip');
        this.o.log(`hub: the hub no longer holds clip ${row.id} of ${row.order_code}; it is kept here and published again.`);
      }
      return false;
    } catch (err) {
      this.o.log(`hub: clip ${row.id} is kept: the hub could not confirm it just before deletion (${errorMessage(err)}).`);
      return false;
    }
  }
}
