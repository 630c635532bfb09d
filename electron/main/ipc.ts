// Door 1's IPC: one channel for calls ('pw:call'), one for events ('pw:event'). Every call is
// checked twice before the engine acts: the sender must be the top frame of one of our own
// app:// pages, and the name must be a contract call; then Engine.call validates the input
// against the contract. Errors cross as {ok:false,error:{code,message}}, never as thrown
// exceptions (Electron would wrap those in an unreadable "Error invoking remote method").
import type { BrowserWindow, IpcMain, IpcMainEvent, IpcMainInvokeEvent, WebContents } from 'electron';
import { isCallName } from '../../shared/contract.ts';
import type { Engine } from '../engine/engine.ts';
import { wireError, type WireResult } from '../doors/media.ts';
import { isAppUrl } from './protocol.ts';

export const CALL_CHANNEL = 'pw:call';
export const EVENT_CHANNEL = 'pw:event';
export const SHUTDOWN_CHANNEL = 'pw:shutdown';
export const SHUTDOWN_DONE_CHANNEL = 'pw:shutdown-done';

export type { WireResult };

type SenderEvent = Pick<IpcMainInvokeEvent | IpcMainEvent, 'senderFrame' | 'sender'>;

/** The sender is the main frame of our own page (not a subframe, not a foreign page). */
export function isTrustedSender(event: SenderEvent): boolean {
  const frame = event.senderFrame;
  if (!frame) return false; // the frame navigated away or was destroyed meanwhile
  if (frame.parent !== null) return false;
  return isAppUrl(frame.url);
}

export interface IpcOptions {
  engine: Engine;
  /** Told after every recording.* call, so the wake lock and the tray follow at once. */
  afterRecordingCall?: () => void;
  log?: (line: string) => void;
}

/** The body of the 'pw:call' handler, exported for the tests. */
export async function handleCall(opts: IpcOptions, event: SenderEvent, name: unknown, input: unknown): Promise<WireResult> {
  if (!isTrustedSender(event)) {
    opts.log?.(`refused an IPC call from ${event.senderFrame?.url ?? 'a destroyed frame'}`);
    return { ok: false, error: { code: 'unauthorized', message: 'Calls are accepted only from the PackWitness window.' } };
  }
  if (!isCallName(name)) {
    return { ok: false, error: { code: 'not-found', message: `Unknown call: ${String(name).slice(0, 80)}` } };
  }
  try {
    const result = await opts.engine.call(name, input, { door: 'ipc' });
    return { ok: true, result };
  } catch (err) {
    const error = wireError(err);
    if (error.code === 'internal') opts.log?.(`${name} failed: ${error.message}`);
    return { ok: false, error };
  } finally {
    if (name.startsWith('recording.')) opts.afterRecordingCall?.();
  }
}

/** Registers the call handler and forwards engine events to the window; returns the undo. */
export function registerIpc(ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>, opts: IpcOptions, getWindow: () => BrowserWindow | null): () => void {
  ipcMain.handle(CALL_CHANNEL, (event, name: unknown, input: unknown) => handleCall(opts, event, name, input));
  const unsubscribe = opts.engine.on(({ event, payload }) => {
    const win = getWindow();
    if (win && !win.isDestroyed()) sendToPage(win.webContents, EVENT_CHANNEL, event, payload);
  });
  return () => {
    ipcMain.removeHandler(CALL_CHANNEL);
    unsubscribe();
  };
}

function sendToPage(contents: WebContents, channel: string, ...args: unknown[]): void {
  // Only to our own page: if it was somehow replaced, the events stay with us.
  if (contents.isDestroyed() || !isAppUrl(contents.getURL())) return;
  contents.send(channel, ...args);
}

export { sendToPage };
