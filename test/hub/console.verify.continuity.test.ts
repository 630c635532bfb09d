// The hub's verify on demand checks a clip's frames as a station's Check-a-clip does: the
// station's signed continuity entry, and the frame counters read again from the stored bytes.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tmpDir } from '../helpers/tmp.ts';
import { FakeStation, embeddedBackend, enrolledClient, publishInput, type FakeClip } from './hubFixture.ts';
import { ask, login, makeMp4, startConsoleHub, type ConsoleHub } from './consoleFixture.ts';
import { newEnrollCode } from '../../electron/hub/server/identity.ts';
import type { ConsoleVerifyAnswer } from '../../shared/consoleWire.ts';

const PASSWORD = 'correct horse battery';

describe('hub verify on demand: frame continuity', () => {
  let h: ConsoleHub;
  let t: ReturnType<typeof tmpDir>;
  let st: FakeStation;
  let recorded: FakeClip;
  let unrecorded: FakeClip;

  beforeAll(async () => {
    t = tmpDir('pw-console-continuity-');
    h = await startConsoleHub(embeddedBackend());
    st = new FakeStation('Packing 8', t.dir);
    const a = makeMp4(path.join(t.dir, 'a.mp4'), 3, 'SF1700000000801');
    const b = makeMp4(path.join(t.dir, 'b.mp4'), 3, 'SF1700000000802');
    const client = await enrolledClient(h.url, (await newEnrollCode(h.parts.index, h.parts.key.fingerprint)).code, st);
    st.append('genesis', null, { station: st.name, publicKey: st.publicKeyPem });
    recorded = st.clip('SF1700000000801', a.length, a);
    unrecorded = st.clip('SF1700000000802', b.length, b);
    // The station's read-back of the first clip: 90 frames, 3 dropped by the encoder under load.
    st.append('continuity', recorded.row.clipId, {
      clipId: recorded.row.clipId,
      sha256: recorded.sha256,
      checkedAt: Date.UTC(2026, 11, 1, 9, 0, 0),
      frames: 87,
      first: 1,
      last: 90,
      unreadable: 0,
      gaps: [{ after: 40, missing: 3, atMs: 1333, cause: 'encoder-under-load' }],
      stalls: [],
    });
    await client.publishChain(st.chain);
    await client.publishClip(publishInput(recorded));
    await client.publishClip(publishInput(unrecorded));
    await h.console.accounts.addUser('sam', 'service', PASSWORD);
  }, 120_000);
  afterAll(async () => {
    await h?.close().catch(() => {});
    t?.cleanup();
  });

  const verify = async (c: FakeClip): Promise<ConsoleVerifyAnswer> => {
    const a = await ask(h, `/console/api/clips/${encodeURIComponent(st.name)}/${c.row.clipId}/verify`, { cookie: await login(h, 'sam', PASSWORD), body: {} });
    expect(a.status, a.body.toString()).toBe(200);
    return a.json() as ConsoleVerifyAnswer;
  };

  it("shows the station's signed record of the clip's frames, worded by codes, and reads the stored file again", async () => {
    const v = await verify(recorded);
    const line = v.answer.checks.find((c) => c.what === 'continuity');
    expect(line, JSON.stringify(v.answer.checks)).toBeDefined();
    expect(line!.ok).toBe(true);
    expect(line!.messages?.map((m) => m.code)).toEqual(['continuity-entry', 'continuity-gap-encoder-under-load', 'continuity-again-clean']);
    expect(line!.text).toContain('3 frames');
  }, 120_000);

  it('a clip the station recorded no read-back for: the counters read now are said (this test video has none to read)', async () => {
    const v = await verify(unrecorded);
    const line = v.answer.checks.find((c) => c.what === 'continuity');
    expect(line).toMatchObject({ ok: null });
    expect(line!.messages?.map((m) => m.code)).toEqual(['continuity-unreadable-now']);
  }, 120_000);
});
