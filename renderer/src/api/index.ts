// The UI's single way to reach the engine. It uses whichever door it finds: the Electron preload
// bridge when present (door 1), otherwise HTTP on the page's own origin (door 2). Both carry the
// same contract, so every view works the same in the desktop window and in a LAN browser.
import type { Api, CallInput, CallName, CallOutput, Door as AnyDoor, EventName, EventPayload } from '../../../shared/contract.ts';
import { callNames, eventNames } from '../../../shared/contract.ts';
import type { WireResult } from './bridge.ts';
import type { Message } from '../../../shared/messages.ts';

export class ApiError extends Error {
  readonly code: string;
  /** The engine's message as a code, worded in the UI language by i18n/message.ts. */
  readonly words: Message | undefined;
  constructor(code: string, message: string, words?: Message) {
    super(message);
    this.code = code;
    this.words = words;
  }
}

/** The door this page came through: a page is never the command line. */
export type Door = Exclude<AnyDoor, 'cli'>;
export const door: Door = typeof window !== 'undefined' && window.packwitness ? 'ipc' : 'http';

function unwrap(res: WireResult): unknown {
  if (res.ok) return res.result;
  throw new ApiError(res.error.code, res.error.message, res.error.words);
}

const CHUNK_TIMEOUT_MS = 30_000;

// The station answers calls only as application/json and chunks only as PUT (electron/server/door.ts):
// both need a CORS preflight from any other origin, so only the station's own pages can send them.
async function httpCall(name: CallName, input: unknown): Promise<unknown> {
  if (name === 'recording.chunk') {
    // Chunks travel as raw bytes, not JSON: a second of video is ~300 kB.
    const { recordingId, seq, data } = input as CallInput<'recording.chunk'>;
    const res = await fetch(`/api/recordings/${encodeURIComponent(recordingId)}/chunks/${seq}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream' },
      body: data as Uint8Array<ArrayBuffer>,
      // A request the network swallowed is retried (recorder.ts), not waited on for ever: a second
      // of video normally lands in milliseconds. The engine ignores a chunk that arrives twice.
      signal: AbortSignal.timeout(CHUNK_TIMEOUT_MS),
    });
    return unwrap((await res.json()) as WireResult);
  }
  const res = await fetch(`/api/call/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(input ?? {}),
  });
  let body: WireResult;
  try {
    body = (await res.json()) as WireResult;
  } catch {
    throw new ApiError('internal', `The station answered ${res.status} without a readable body.`);
  }
  return unwrap(body);
}

async function call(name: CallName, input: unknown): Promise<unknown> {
  const bridge = window.packwitness;
  if (bridge) return unwrap(await bridge.call(name, input));
  return httpCall(name, input);
}

export const api = Object.fromEntries(callNames.map((n) => [n, (input: unknown) => call(n, input)])) as Api;

export function callApi<K extends CallName>(name: K, input: CallInput<K>): Promise<CallOutput<K>> {
  return (api[name] as (i: CallInput<K>) => Promise<CallOutput<K>>)(input);
}

type AnyListener = (event: EventName, payload: unknown) => void;
const listeners = new Set<AnyListener>();
let connected = false;

function dispatch(event: string, payload: unknown): void {
  for (const l of listeners) l(event as EventName, payload);
}

function connect(): void {
  if (connected) return;
  connected = true;
  const bridge = window.packwitness;
  if (bridge) {
    bridge.on(dispatch);
    return;
  }
  // EventSource reconnects by itself when the station restarts.
  const source = new EventSource('/api/events');
  for (const name of eventNames) {
    source.addEventListener(name, (e) => dispatch(name, JSON.parse((e as MessageEvent<string>).data)));
  }
}

/** Subscribes to one engine event; returns the unsubscribe function. */
export function onEvent<E extends EventName>(name: E, cb: (payload: EventPayload<E>) => void): () => void {
  connect();
  const l: AnyListener = (event, payload) => {
    if (event === name) cb(payload as EventPayload<E>);
  };
  listeners.add(l);
  return () => listeners.delete(l);
}
