// The station's side of the hub link, read from the index (HubLinkIndex, OutboxIndex in
// index/types.ts): what Status and `doctor` say about it, and the receipt checks the publisher and
// retention's gate share, so all of them tell one truth.
import { createPublicKey } from 'node:crypto';
import type { HubStatus, HubErrorCode } from '../../../shared/contract/hub.ts';
import type { EngineIndex, HubLinkRow } from '../index/types.ts';
import { verifyBytes } from '../evidence/keys.ts';
import type { ReceiptLike } from './hubApi.ts';
import { receiptSigningBytes } from '../../../shared/hubWire.ts';

export type { HubLinkRow, OutboxRow } from '../index/types.ts';

/** The hub link and the outbox in the index (index/types.ts), as the publish parts receive them. */
export type HubIndex = Pick<EngineIndex, 'hubLink' | 'outbox'>;

export async function hubStatus(hub: HubIndex): Promise<HubStatus> {
  const link = await hub.hubLink.get();
  const iso = (t: number | null | undefined): string | null => (t == null ? null : new Date(t).toISOString());
  const o = await hub.outbox.summary();
  return {
    enrolled: link !== null,
    url: link?.url ?? null,
    hubName: link?.hub_name ?? null,
    hubFingerprint: link?.hub_fingerprint ?? null,
    enrolledAt: iso(link?.enrolled_at),
    outboxDepth: o.depth,
    oldestUnpublishedAt: iso(o.oldestStartedAt),
    refused: o.refused,
    chainBehind: Math.max(0, o.chainHead - (link?.chain_sent ?? 0)),
    lastSuccessAt: iso(link?.last_success_at),
    lastError:
      link?.last_error_code && link.last_error_at != null
        ? { code: link.last_error_code as HubErrorCode, message: link.last_error ?? '', at: new Date(link.last_error_at).toISOString() }
        : null,
  };
}

/** A receipt counts only when the pinned hub key signed it over this clip's SHA-256. */
export function receiptValid(r: ReceiptLike, hubPublicKeyPem: string, sha256: string): boolean {
  if (r.sha256 !== sha256) return false;
  try {
    return verifyBytes(createPublicKey(hubPublicKeyPem), receiptSigningBytes(r), Buffer.from(r.signature, 'base64'));
  } catch {
    return false;
  }
}

const ERROR_NAMES: Record<HubErrorCode, string> = {
  unreachable: 'the hub could not be reached',
  impostor: 'IMPOSTOR: a server at the hub address could not prove it holds the pinned hub key; nothing was sent to it',
  unauthorized: 'the hub does not accept this station any more (enroll it again with a new code)',
  refused: 'the hub REFUSED a clip or chain entry (this station keeps it)',
  'bad-response': 'the hub answered something this station cannot read',
  other: 'publishing failed',
};

/** Retention's check without the network: the stored receipt is valid for this clip's SHA-256 under the pinned key. */
export async function storedReceiptOk(hub: Pick<HubIndex, 'outbox'>, link: HubLinkRow, clipId: string, sha256: string): Promise<boolean> {
  const o = await hub.outbox.get(clipId);
  if (!o || o.state !== 'confirmed' || !o.receipt || o.sha256 !== sha256) return false;
  try {
    return receiptValid(JSON.parse(o.receipt) as ReceiptLike, link.hub_public_key_pem, sha256);
  } catch {
    return false;
  }
}

/** The last error while no success came after it (the hub is still away, or still an impostor). */
export function currentError(s: Pick<HubStatus, 'lastError' | 'lastSuccessAt'>): HubErrorCode | null {
  if (!s.lastError) return null;
  return s.lastSuccessAt && Date.parse(s.lastSuccessAt) > Date.parse(s.lastError.at) ? null : s.lastError.code;
}

/** The outbox line of `packwitness doctor` and the Status view's health list; null when not enrolled. */
export async function hubHealthLine(hub: HubIndex): Promise<{ level: 'ok' | 'warning' | 'problem'; text: string; details: string[] } | null> {
  const s = await hubStatus(hub);
  if (!s.enrolled) return null;
  const parts = [`Hub "${s.hubName}" at ${s.url}`];
  parts.push(
    s.outboxDepth === 0
      ? 'every sealed clip is published'
      : `${s.outboxDepth} clip(s) not yet published${s.oldestUnpublishedAt ? ` (oldest recorded ${s.oldestUnpublishedAt})` : ''}`,
  );
  if (s.chainBehind > 0) parts.push(`${s.chainBehind} chain entr${s.chainBehind === 1 ? 'y' : 'ies'} not yet sent`);
  parts.push(s.lastSuccessAt ? `last success ${s.lastSuccessAt}` : 'no success yet');
  const details: string[] = [];
  if (s.lastError) {
    // "The hub is up but its clip store/index cannot be reached" says it better than "could not be reached".
    const own = s.lastError.code === 'unreachable' && s.lastError.message.startsWith('the hub is up');
    details.push(`last error ${s.lastError.at}: ${own ? s.lastError.message : `${ERROR_NAMES[s.lastError.code]} (${s.lastError.message})`}`);
  }
  for (const r of await hub.outbox.refused(10)) details.push(`refused: ${r.last_error ?? r.clip_id}`);
  const current = currentError(s);
  const level = s.refused > 0 || current === 'impostor' || current === 'unauthorized' ? 'problem' : current ? 'warning' : 'ok';
  return { level, text: `${parts.join('; ')}.`, details };
}
