// station.lan / station.lanSet: whether this station answers on the LAN, with the URL + token a phone
// needs (the Settings view shows them as a QR code), and switching that on or off while it runs.
// The engine opens no sockets: whoever runs the HTTP door (packwitness serve) registers a
// LanController here. The desktop window alone (door 1) registers none, and the answers say so.
import { PwError, type CallOutput, type CallParsed } from '../../shared/contract.ts';
import type { LanInfo, stationCalls } from '../../shared/contract/station.ts';
import type { CallContext, Engine } from './engine.ts';

/** What the HTTP door lets the engine do with its LAN listener (electron/server/lanListener.ts). */
export interface LanController {
  info(): LanInfo;
  /** Opens (or reopens, with a new token) the LAN listener and remembers the choice for the next start. */
  enable(opts: { port: number | null | undefined; newToken: boolean }): Promise<LanInfo>;
  /** Closes the LAN listener and remembers that it is off. */
  disable(): Promise<LanInfo>;
}

const controllers = new WeakMap<Engine, LanController>();

/** Called by whoever starts the HTTP listener (packwitness serve); null unregisters. */
export function setLanController(engine: Engine, controller: LanController | null): void {
  if (controller) controllers.set(engine, controller);
  else controllers.delete(engine);
}

export const NOT_IN_THIS_DOOR =
  'LAN access is not available in this window: phones reach a station served by `packwitness serve`. ' +
  'Start the station with `packwitness serve`, then turn LAN access on in its Settings (or start it with `--host 0.0.0.0`).';

type Names = keyof typeof stationCalls;
type LanHandlers = { [K in Names]: (input: CallParsed<K>, ctx: CallContext) => Promise<CallOutput<K>> };

export function lanHandlers(engine: Engine): LanHandlers {
  return {
    'station.lan': async () => {
      const c = controllers.get(engine);
      if (!c) return { listening: false, urls: [], token: null, port: null, switchable: false, howToEnable: NOT_IN_THIS_DOOR };
      return c.info();
    },
    'station.lanSet': async (input) => {
      const c = controllers.get(engine);
      if (!c) throw new PwError('refused', NOT_IN_THIS_DOOR);
      return input.enabled ? c.enable({ port: input.port, newToken: input.newToken }) : c.disable();
    },
  };
}
