// The station's background read-back takes clips one at a time; a clip handed to it at any moment
// (while it reads, while it seals the previous one, just as it runs out of work) is read back.
import { describe, expect, it } from 'vitest';
import { ContinuityPass, type ContinuityJob } from '../../electron/engine/continuity.ts';
import type { CounterReport } from '../../electron/engine/frameCounters.ts';
import type { ClipRow } from '../../electron/engine/index/types.ts';

const report: CounterReport = { counters: [1, 2, 3], first: 1, last: 3, gaps: [], stalls: [], unreadable: 0 };

function job(id: string): ContinuityJob {
  const row = { id, sha256: 'a'.repeat(64), order_code: id, started_at: 0, duration_ms: 100 } as unknown as ClipRow;
  return { row, file: `/clips/${id}.mp4`, incidents: [] };
}

/** Resolves after `n` turns of the microtask queue. */
async function ticks(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await Promise.resolve();
}

describe('ContinuityPass', () => {
  it('reads back clips one at a time, in the order they were sealed', async () => {
    const sealed: string[] = [];
    let reading = 0;
    let most = 0;
    const pass = new ContinuityPass(
      async (j) => {
        sealed.push(j.row.id);
      },
      () => {},
      async () => {
        most = Math.max(most, ++reading);
        await new Promise((r) => setTimeout(r, 5));
        reading--;
        return report;
      },
    );
    for (const id of ['a', 'b', 'c']) pass.enqueue(job(id));
    await pass.idle();
    expect(sealed).toEqual(['a', 'b', 'c']);
    expect(most).toBe(1);
  });

  // The next clip is sealed while the previous one's read-back ends: whatever the interleaving of
  // the two, the next clip must not be left in the queue with nothing reading it.
  for (let k = 0; k <= 8; k++) {
    it(`a clip handed over ${k} microtask turns after the previous one's entry was written is read back`, async () => {
      const sealed: string[] = [];
      let handedOver = false;
      const pass: ContinuityPass = new ContinuityPass(
        async (j) => {
          sealed.push(j.row.id);
          if (j.row.id === 'first')
            void ticks(k).then(() => {
              pass.enqueue(job('next'));
              handedOver = true;
            });
        },
        () => {},
        async () => report,
      );
      pass.enqueue(job('first'));
      await new Promise((r) => setTimeout(r, 20));
      expect(handedOver).toBe(true);
      await pass.idle();
      expect(sealed).toEqual(['first', 'next']);
      expect(pass.pending).toBe(0);
    });
  }

  /** Waits until `cond` holds (each try a few ms apart), for at most 2 s. */
  async function until(cond: () => boolean): Promise<void> {
    for (let i = 0; i < 400 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
    expect(cond()).toBe(true);
  }

  it('a read-back that fails (ffmpeg killed or starved on a loaded machine) is tried again and the clip is sealed', async () => {
    const sealed: string[] = [];
    const lines: string[] = [];
    let reads = 0;
    const pass = new ContinuityPass(
      async (j) => {
        sealed.push(j.row.id);
      },
      (l) => lines.push(l),
      async () => {
        if (++reads === 1) throw new Error('reading frames of x.mp4 failed: Output stream closed');
        return report;
      },
      [20, 40],
    );
    pass.enqueue(job('a'));
    await until(() => sealed.length === 1);
    expect(sealed).toEqual(['a']);
    expect(reads).toBe(2);
    expect(lines).toEqual(['frame counter read-back of clip a failed, tried again in 0 s: reading frames of x.mp4 failed: Output stream closed']);
    expect(pass.pending).toBe(0);
  });

  it('a clip that cannot be read is tried a few times, then left for the next start, and says so', async () => {
    const lines: string[] = [];
    let reads = 0;
    const pass = new ContinuityPass(
      async () => {},
      (l) => lines.push(l),
      async () => {
        reads++;
        throw new Error('broken file');
      },
      [10, 10],
    );
    pass.enqueue(job('bad'));
    expect(pass.pending).toBeGreaterThan(0);
    await until(() => lines.length === 3);
    await new Promise((r) => setTimeout(r, 50));
    expect(reads).toBe(3);
    expect(lines.at(-1)).toBe('frame counter read-back of clip bad failed 3 times, read again at the next start: broken file');
    expect(pass.pending).toBe(0);
  });

  it('stop and release cancel a read-back waiting to be tried again', async () => {
    let reads = 0;
    const make = (): ContinuityPass =>
      new ContinuityPass(
        async () => {},
        () => {},
        async () => {
          reads++;
          throw new Error('busy machine');
        },
        [30],
      );
    const stopped = make();
    stopped.enqueue(job('s'));
    await until(() => reads === 1 && stopped.pending === 1);
    await stopped.stop();
    expect(stopped.pending).toBe(0);
    const released = make();
    released.enqueue(job('r'));
    await until(() => reads === 2 && released.pending === 1);
    await released.release('r');
    expect(released.pending).toBe(0);
    await new Promise((r) => setTimeout(r, 80));
    expect(reads).toBe(2);
  });
});
