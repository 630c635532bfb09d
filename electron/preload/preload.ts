// The sandboxed preload (bundled to out/electron/preload.cjs): the page's only way to the engine.
// It exposes exactly three functions on window.packwitness and never ipcRenderer itself, so a
// page that went wrong can send nothing but contract calls on our one channel (which the main
// process checks again).
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';

const CALL_CHANNEL = 'pw:call';
const EVENT_CHANNEL = 'pw:event';
const SHUTDOWN_CHANNEL = 'pw:shutdown';
const SHUTDOWN_DONE_CHANNEL = 'pw:shutdown-done';

import type { WireResult } from '../../shared/contract.ts';

let shutdownHandler: (() => Promise<void> | void) | null = null;

// Registered once, here, so the main process always gets its answer — at once when the page
// registered nothing, after the page finished its clip otherwise.
ipcRenderer.on(SHUTDOWN_CHANNEL, () => {
  void (async () => {
    try {
      await shutdownHandler?.();
    } catch (err) {
      console.error('PackWitness: finishing the recording before quitting failed', err);
    } finally {
      ipcRenderer.send(SHUTDOWN_DONE_CHANNEL);
    }
  })();
});

const bridge = {
  call(name: string, input: unknown): Promise<WireResult> {
    if (typeof name !== 'string') return Promise.resolve({ ok: false, error: { code: 'bad-input', message: 'A call name must be a string.' } });
    return ipcRenderer.invoke(CALL_CHANNEL, name, input) as Promise<WireResult>;
  },
  on(listener: (event: string, payload: unknown) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError('packwitness.on needs a function');
    // The page never sees the IPC event object (it carries the sender).
    const wrapped = (_e: IpcRendererEvent, event: string, payload: unknown): void => listener(event, payload);
    ipcRenderer.on(EVENT_CHANNEL, wrapped);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, wrapped);
    };
  },
  onShutdownRequest(cb: () => Promise<void> | void): void {
    if (typeof cb !== 'function') throw new TypeError('packwitness.onShutdownRequest needs a function');
    shutdownHandler = cb;
  },
};

contextBridge.exposeInMainWorld('packwitness', bridge);
