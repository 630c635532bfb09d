// station.lan: whether this station answers on the LAN, with the URL + token a phone needs (the
// Settings view shows them as a QR code). The HTTP door registers what it listens on; the desktop
// window alone (door 1) serves nobody, and the answer says how to turn LAN access on.
import type { CallOutput } from '../../shared/contract.ts';
import type { stationCalls } from '../../shared/contract/station.ts';
import type { CallContext, Engine } from './engine.ts';

export interface LanState {
  host: string;
  port: number;
  token: string | null;
  /** This machine's LAN addresses (IPv4), when listening beyond loopback. */
  addresses: string[];
}

const states = new WeakMap<Engine, LanState>();

/** Called by whoever starts the HTTP listener (packwitness serve). */
export function setLanState(engine: Engine, state: LanState | null): void {
  if (state) states.set(engine, state);
  else states.delete(engine);
}

const HOW_TO_ENABLE =
  'LAN access is off: this station answers only on this computer. Start it with `packwitness serve --host 0.0.0.0` ' +
  '(a token is created and required automatically), then open Settings again for the QR code.';

type Names = keyof typeof stationCalls;
type LanHandlers = { [K in Names]: (input: unknown, ctx: CallContext) => Promise<CallOutput<K>> };

export function lanHandlers(engine: Engine): LanHandlers {
  return {
    'station.lan': async () => {
      const s = states.get(engine);
      const loopback = !s || s.host === 'localhost' || s.host === '::1' || /^127\./.test(s.host);
      if (!s || loopback) return { listening: false, urls: [], token: null, howToEnable: HOW_TO_ENABLE };
      const q = s.token ? `/?token=${encodeURIComponent(s.token)}` : '/';
      return { listening: true, urls: s.addresses.map((a) => `http://${a}:${s.port}${q}`), token: s.token, howToEnable: null };
    },
  };
}
