// station.lan / station.lanSet: whether this station answers on the LAN, with the URL + token a phone
// needs (the Settings view shows them as a QR code), and switching that on or off while it runs.
// The engine opens no sockets: whoever runs the HTTP door (packwitness serve) registers a
// LanController here. The desktop window alone (door 1) registers none, and the answers say so.
import { PwError } from '../../shared/contract.ts';
import type { LanInfo, stationCalls } from '../../shared/contract/station.ts';
import type { HandlerMap } from './services.ts';

/** What the HTTP door lets the engine do with its LAN listener (electron/server/lanListener.ts). */
export interface LanController {
  info(): LanInfo;
  /** Opens (or reopens, with a new token) the LAN listener and remembers the choice for the next start. */
  enable(opts: { port: number | null | undefined; newToken: boolean }): Promise<LanInfo>;
  /** Closes the LAN listener and remembers that it is off. */
  disable(): Promise<LanInfo>;
}

/** The engine's LAN listener, if a door registered one: state the engine owns and hands to lanHandlers. */
export interface LanSlot {
  controller: LanController | null;
}

/** Called by whoever starts the HTTP listener (packwitness serve); null unregisters. */
export function setLanController(engine: { readonly lan: LanSlot }, controller: LanController | null): void {
  engine.lan.controller = controller;
}

export const NOT_IN_THIS_DOOR =
  'LAN access is not available in this window: phones reach a station served by `packwitness serve`. ' +
  'Start the station with `packwitness serve`, then turn LAN access on in its Settings (or start it with `--host 0.0.0.0`).';

type Names = keyof typeof stationCalls;
export function lanHandlers(lan: LanSlot): HandlerMap<Names> {
  return {
    'station.lan': async () => {
      const c = lan.controller;
      if (!c) return { listening: false, urls: [], token: null, port: null, switchable: false, howToEnable: NOT_IN_THIS_DOOR };
      return c.info();
    },
    'station.lanSet': async (input) => {
      const c = lan.controller;
      if (!c) throw new PwError('refused', NOT_IN_THIS_DOOR);
      return input.enabled ? c.enable({ port: input.port, newToken: input.newToken }) : c.disable();
    },
  };
}
