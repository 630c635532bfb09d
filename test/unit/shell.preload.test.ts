// The sandboxed preload exposes exactly window.packwitness.{call,on,onShutdownRequest} — the
// shape renderer/src/api/bridge.ts expects — and never ipcRenderer itself.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { createFakeElectron, type FakeElectron } from '../helpers/fakeElectron.ts';

vi.mock('electron', () => {
  const f = (globalThis as { __pwFakePreload?: FakeElectron }).__pwFakePreload!;
  return { contextBridge: f.contextBridge, ipcRenderer: f.ipcRenderer };
});

let fake: FakeElectron;
let bridge: Record<string, (...a: any[]) => any>;

beforeAll(async () => {
  fake = createFakeElectron();
  (globalThis as { __pwFakePreload?: FakeElectron }).__pwFakePreload = fake;
  await import('../../electron/preload/preload.ts');
  bridge = fake.contextBridge.exposed.get('packwitness');
});

describe('preload bridge', () => {
  it('exposes one object with exactly three functions', () => {
    expect([...fake.contextBridge.exposed.keys()]).toEqual(['packwitness']);
    expect(Object.keys(bridge).sort()).toEqual(['call', 'on', 'onShutdownRequest']);
    for (const v of Object.values(bridge)) expect(typeof v).toBe('function');
    // Nothing that leads back to IPC itself.
    expect(Object.values(bridge)).not.toContain(fake.ipcRenderer);
    expect(JSON.stringify(Object.keys(bridge))).not.toMatch(/ipc|send|invoke/i);
  });

  it('call() invokes the one call channel and returns its answer', async () => {
    fake.ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, result: { n: 1 } });
    const data = new Uint8Array([1, 2, 3]);
    await expect(bridge.call!('recording.chunk', { recordingId: 'r', seq: 0, data })).resolves.toEqual({ ok: true, result: { n: 1 } });
    expect(fake.ipcRenderer.invoke).toHaveBeenLastCalledWith('pw:call', 'recording.chunk', { recordingId: 'r', seq: 0, data });
    await expect(bridge.call!(42 as never, {})).resolves.toMatchObject({ ok: false, error: { code: 'bad-input' } });
  });

  it('on() delivers events without the IPC event object, and unsubscribes', () => {
    const seen: unknown[][] = [];
    const off = bridge.on!((event: string, payload: unknown) => seen.push([event, payload]));
    fake.ipcRenderer.emit('pw:event', { sender: 'secret' }, 'clip.saved', { id: 'a' });
    off();
    fake.ipcRenderer.emit('pw:event', { sender: 'secret' }, 'clip.saved', { id: 'b' });
    expect(seen).toEqual([['clip.saved', { id: 'a' }]]);
    expect(() => bridge.on!('nope')).toThrow(/function/);
  });

  it('answers a shutdown request after the page finished its clip', async () => {
    let release!: () => void;
    const finished = new Promise<void>((r) => (release = r));
    bridge.onShutdownRequest!(() => finished);
    fake.ipcRenderer.emit('pw:shutdown', {});
    await new Promise((r) => setTimeout(r, 20));
    expect(fake.ipcRenderer.send).not.toHaveBeenCalled();
    release();
    await vi.waitFor(() => expect(fake.ipcRenderer.send).toHaveBeenCalledWith('pw:shutdown-done'));
  });

  it('still answers when the page handler fails', async () => {
    fake.ipcRenderer.send.mockClear();
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    bridge.onShutdownRequest!(() => Promise.reject(new Error('recorder gone')));
    fake.ipcRenderer.emit('pw:shutdown', {});
    await vi.waitFor(() => expect(fake.ipcRenderer.send).toHaveBeenCalledWith('pw:shutdown-done'));
    err.mockRestore();
  });
});
