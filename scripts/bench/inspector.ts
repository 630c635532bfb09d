// The V8 heap of a Node process the bench started with `--expose-gc --inspect=127.0.0.1:0` (for
// `packwitness serve`, through NODE_OPTIONS): read after a full GC, and heap snapshots, over the
// process's own inspector. RSS alone cannot tell kept objects from garbage not yet collected or
// from the allocator's high-water mark.
import fs from 'node:fs';
import { processTree, sleep } from './stats.ts';

/** Node's flags for a process the bench reads the heap of: a GC it can call, an inspector on a free local port. */
export const HEAP_NODE_OPTIONS = '--expose-gc --inspect=127.0.0.1:0';

export interface HeapReading {
  /** V8 heap in use after two full GCs, MB. */
  heapMb: number;
  /** Memory V8 holds for objects outside its heap (Buffers, ArrayBuffers), MB. */
  externalMb: number;
}

export interface Inspector {
  heapAfterGc(): Promise<HeapReading>;
  /** Writes a heap snapshot (Chrome DevTools' .heapsnapshot) to `file`. */
  snapshot(file: string): Promise<void>;
  close(): void;
}

/** The inspector's WebSocket address as the process printed it ("Debugger listening on ws://…"). */
export function inspectorUrl(output: string): string | null {
  return /Debugger listening on (ws:\/\/\S+)/.exec(output)?.[1] ?? null;
}

export async function openInspector(wsUrl: string): Promise<Inspector> {
  const ws = new WebSocket(wsUrl);
  await new Promise<void>((resolve, reject) => {
    ws.onopen = () => resolve();
    ws.onerror = () => reject(new Error(`no inspector at ${wsUrl}`));
  });
  let nextId = 0;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let sink: ((chunk: string) => void) | null = null;
  ws.onmessage = (e) => {
    const m = JSON.parse(String(e.data)) as { id?: number; method?: string; params?: { chunk: string }; result?: unknown; error?: { message: string } };
    if (m.id !== undefined) {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (m.error) p?.reject(new Error(m.error.message));
      else p?.resolve(m.result);
    } else if (m.method === 'HeapProfiler.addHeapSnapshotChunk') sink?.(m.params!.chunk);
  };
  const send = (method: string, params: object = {}): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = ++nextId;
      pending.set(id, { resolve, reject });
      ws.send(JSON.stringify({ id, method, params }));
    });
  return {
    heapAfterGc: async () => {
      const r = (await send('Runtime.evaluate', {
        expression: 'gc(); gc(); (({ heapUsed, external }) => ({ heapUsed, external }))(process.memoryUsage())',
        returnByValue: true,
      })) as { result: { value?: { heapUsed: number; external: number } }; exceptionDetails?: unknown };
      if (!r.result.value) throw new Error(`the process gave no heap reading (started without ${HEAP_NODE_OPTIONS}?)`);
      return { heapMb: r.result.value.heapUsed / 2 ** 20, externalMb: r.result.value.external / 2 ** 20 };
    },
    snapshot: async (file) => {
      const fd = fs.openSync(file, 'w');
      sink = (chunk) => fs.writeSync(fd, chunk);
      try {
        await send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
      } finally {
        sink = null;
        fs.closeSync(fd);
      }
    },
    close: () => ws.close(),
  };
}

/**
 * Waits until `pid` has run no child process for `quietMs` (checked every second): the background
 * work after the last clip (thumbnails, the frame-counter read-back, one ffmpeg after another) is
 * done. Clips recorded faster than real time leave a read-back queue behind; its entries are the
 * engine's work to do, not memory it keeps, so the heap is read once they are done.
 */
export async function childrenDone(pid: number, quietMs = 3000, timeoutMs = 30 * 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let quietSince = Date.now();
  while (Date.now() - quietSince < quietMs) {
    if (Date.now() > until) throw new Error(`process ${pid} still runs children after ${timeoutMs / 60_000} min`);
    await sleep(1000);
    if (processTree(pid).length > 1) quietSince = Date.now();
  }
}
