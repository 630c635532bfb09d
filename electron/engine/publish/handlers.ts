// Engine handlers of the hub calls (shared/contract/hub.ts): enrolling this station with a hub and
// what its outbox is doing. Spread into Engine.handlers.
import { PwError } from '../../../shared/contract.ts';
import type { hubCalls } from '../../../shared/contract/hub.ts';
import { errorMessage } from '../../../shared/errorMessage.ts';
import type { HandlerMap } from '../services.ts';
import { failureOf, type HubConnector, type StationSignerLike } from './hubApi.ts';
import { hubStatus, type HubIndex } from './outbox.ts';

type Names = keyof typeof hubCalls;

/** `PWE1-<20 base32>-<first 16 hex of the hub's fingerprint>` (shared/hubWire.ts ENROLL_CODE_RE). */
const CODE = /^PWE1-([A-Z2-7]{20})-([0-9a-f]{16})$/;

export interface HubHandlerServices {
  /** The hub link and the outbox; read at each call: the handlers are made before the engine's index is assigned. */
  hub(): HubIndex;
  connector: HubConnector;
  signer: () => StationSignerLike | null;
  stationName: () => string;
  logLine(line: string): void;
  /** Enrolled: start publishing now. */
  enrolled(): void;
}

/** The code as printed, whatever case a scanner or a person typed it in. */
export function parseEnrollCode(raw: string): { code: string; fingerprintPrefix: string } | null {
  const s = raw.trim().replace(/\s+/g, '');
  const m = /^pwe1-([a-z2-7]{20})-([0-9a-f]{16})$/i.exec(s);
  if (!m) return null;
  const code = `PWE1-${m[1]!.toUpperCase()}-${m[2]!.toLowerCase()}`;
  return CODE.test(code) ? { code, fingerprintPrefix: m[2]!.toLowerCase() } : null;
}

export function normaliseHubUrl(raw: string): string | null {
  try {
    const u = new URL(raw.trim());
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    if (u.username || u.password) return null;
    return u.origin + u.pathname.replace(/\/+$/, '');
  } catch {
    return null;
  }
}

const ENROLL_WORDS: Record<string, string> = {
  unreachable: 'The hub cannot be reached at that address: is it running, and is the address right?',
  impostor: 'The server at that address is not the hub the code was made for (its key does not match the code). Nothing was sent to it.',
  unauthorized: 'The hub refused the code: it is wrong, expired (codes last 24 hours) or already used. Make a new one with `packwitness hub enroll-code`.',
  refused: 'The hub refused to enroll this station.',
  'bad-response': 'The server at that address did not answer like a PackWitness hub.',
};

export function hubHandlers(s: HubHandlerServices): HandlerMap<Names> {
  return {
    'hub.status': async () => hubStatus(s.hub()),

    'hub.enroll': async (input) => {
      const url = normaliseHubUrl(input.url);
      if (!url) throw new PwError('bad-input', `"${input.url}" is not a hub address: it looks like http://192.168.1.20:7480`);
      const parsed = parseEnrollCode(input.code);
      if (!parsed)
        throw new PwError(
          'bad-input',
          'That is not an enrollment code: it looks like PWE1-ABCDEFGHIJKLMNOPQRST-0123456789abcdef (from `packwitness hub enroll-code`).',
        );
      const signer = s.signer();
      if (!signer) throw new PwError('refused', 'This process cannot sign with the station key, so it cannot enroll the station.');
      let got;
      try {
        got = await s.connector.enroll(url, parsed.code, { ...signer, name: s.stationName() });
      } catch (err) {
        const code = failureOf(err);
        const words = ENROLL_WORDS[code] ?? `Enrolling failed: ${errorMessage(err)}`;
        throw new PwError(
          code === 'unreachable' ? 'internal' : 'refused',
          code === 'other' ? words : `${words}${code === 'unreachable' ? ` (${errorMessage(err)})` : ''}`,
        );
      }
      // The client checked the prefix before sending anything; checked again before it is pinned.
      if (!got.hubFingerprint.startsWith(parsed.fingerprintPrefix)) throw new PwError('refused', ENROLL_WORDS.impostor!);
      await s
        .hub()
        .hubLink.save({ url, hubName: got.hubName, hubFingerprint: got.hubFingerprint, hubPublicKeyPem: got.hubPublicKeyPem, enrolledAt: got.enrolledAt });
      s.logLine(`hub: enrolled with ${got.hubName} at ${url} (hub key ${got.hubFingerprint.slice(0, 16)}…)`);
      s.enrolled();
      return hubStatus(s.hub());
    },
  };
}
