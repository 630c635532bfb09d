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
});
