// Verify on demand and legal hold from the hub console, over HTTP as the console pages send them:
// one suite, run on the embedded hub (console.verify.embedded.test.ts) and on PostgreSQL + S3
// (console.verify.pgs3.test.ts). What a person sees: the verdict and its lines, the hold on the
// clip and in results, what the station's publisher reads, the bucket's legal hold, the audit log.
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tmpDir } from '../helpers/tmp.ts';
import { FakeStation, enrolledClient, publishInput, type Backend, type FakeClip } from './hubFixture.ts';
import { ask, login, startConsoleHub, type ConsoleHub } from './consoleFixture.ts';
import { newEnrollCode } from '../../electron/hub/server/identity.ts';
import { objectKey } from '../../electron/hub/store/types.ts';
import { S3ClipStore, parseS3Url } from '../../electron/hub/store/s3.ts';
import type { HubClient } from '../../electron/hub/client/index.ts';
import type { ConsoleHoldAnswer, ConsoleVerifyAnswer } from '../../shared/consoleWire.ts';
import { requestTimestamp, shortTsaName } from '../../electron/engine/evidence/tsa.ts';
import { startLocalTsa } from '../helpers/localTsa.ts';

const PASSWORD = 'correct horse battery';

/** Replaces a stored clip's bytes in the store itself, behind the hub's back. */
async function alterStored(h: ConsoleHub, sha256: string, bytes: Buffer): Promise<void> {
  const store = h.parts.store;
  if (store instanceof S3ClipStore) {
    const { bucket } = parseS3Url(h.parts.settings.s3!);
    const md5 = createHash('md5').update(bytes).digest('base64');
    await store.client.send(new PutObjectCommand({ Bucket: bucket, Key: objectKey(sha256, 'clip'), Body: bytes, ContentMD5: md5 }));
  } else {
    fs.writeFileSync(path.join(h.dir, 'clips', objectKey(sha256, 'clip')), bytes);
  }
}

export function consoleVerifySuite(makeBackend: () => Promise<Backend>): void {
  let b: Backend;
  let h: ConsoleHub;
  let t: ReturnType<typeof tmpDir>;
  let st: FakeStation;
  let client: HubClient;
  let clips: FakeClip[];
  const clipPath = (c: FakeClip, what: string): string => `/console/api/clips/${encodeURIComponent(st.name)}/${c.row.clipId}/${what}`;

  beforeAll(async () => {
    b = await makeBackend();
    t = tmpDir('pw-console-verify-');
    h = await startConsoleHub(b);
    st = new FakeStation('Packing 7', t.dir);
    client = await enrolledClient(h.url, (await newEnrollCode(h.parts.index, h.parts.key.fingerprint)).code, st);
    st.append('genesis', null, { station: st.name, publicKey: st.publicKeyPem });
    clips = ['SF1700000000001', 'SF1700000000002', 'SF1700000000003'].map((o) => st.clip(o, 150_000));
    // A hole: entries 5..6 never reach the hub (the station lost them), entry 7 does.
    st.append('discarded', null, { why: 'test' });
    st.append('discarded', null, { why: 'test' });
    const after = st.clip('SF1700000000004', 150_000);
    clips.push(after);
    await client.publishChain(st.chain.filter((e) => e.seq !== 5 && e.seq !== 6));
    for (const c of clips) await client.publishClip(publishInput(c));
    await h.console.accounts.addUser('ada', 'admin', PASSWORD);
    await h.console.accounts.addUser('sam', 'service', PASSWORD);
    await h.console.accounts.addUser('vic', 'viewer', PASSWORD);
  });
  afterAll(async () => {
    await h?.close().catch(() => {});
    await b?.cleanup();
    t?.cleanup();
  });

  it('verify: a good clip is INTACT with the station’s lines (file, signature, chain, timestamp), and the hole nearby is shown', async () => {
    const cookie = await login(h, 'sam', PASSWORD);
    const c = clips[2]!;
    const a = await ask(h, clipPath(c, 'verify'), { cookie, body: {} });
    expect(a.status, a.body.toString()).toBe(200);
    const v = a.json() as ConsoleVerifyAnswer;
    expect(v.answer.verdict).toBe('intact');
    expect(v.answer.headlineMessage).toMatchObject({ code: 'verify-intact', params: { order: 'SF1700000000003', station: 'Packing 7' } });
    expect(v.answer.checks.map((x) => [x.what, x.ok, x.message?.code])).toEqual([
      ['file', true, 'verify-file-ok'],
      ['signature', true, 'verify-signature-ok'],
      ['chain', true, 'verify-chain-ok'],
      ['timestamp', null, 'hub-verify-timestamp-none'],
    ]);
    expect(v.answer.checks[0]!.text).toContain(c.sha256);
    expect(v.storedSha256).toBe(c.sha256);
    expect(v.holes).toEqual([expect.objectContaining({ fromSeq: 5, toSeq: 6 })]);
    // Admin may verify too; every verify is in the audit log with its verdict.
    expect((await ask(h, clipPath(c, 'verify'), { cookie: await login(h, 'ada', PASSWORD), body: {} })).status).toBe(200);
    const audit = (await ask(h, '/console/api/audit?action=verify', { cookie: await login(h, 'ada', PASSWORD) })).json();
    expect(audit.entries.slice(0, 2).map((e: { user: string; clipId: string; detail: string }) => [e.user, e.clipId, e.detail])).toEqual([
      ['ada', c.row.clipId, 'intact'],
      ['sam', c.row.clipId, 'intact'],
    ]);
  });

  it('verify: a clip whose stored bytes were changed in the store behind the hub’s back is a PROBLEM: the file line says so', async () => {
    const cookie = await login(h, 'sam', PASSWORD);
    const c = clips[1]!;
    const altered = fs.readFileSync(c.file);
    altered[1000] = altered[1000]! ^ 0xff;
    await alterStored(h, c.sha256, altered);
    const v = (await ask(h, clipPath(c, 'verify'), { cookie, body: {} })).json() as ConsoleVerifyAnswer;
    expect(v.answer.verdict).toBe('problem');
    expect(v.answer.headlineMessage?.code).toBe('verify-problem');
    const file = v.answer.checks.find((x) => x.what === 'file')!;
    expect(file.ok).toBe(false);
    expect(file.message).toMatchObject({ code: 'verify-file-modified', params: { sealed: c.sha256 } });
    expect(v.storedSha256).toBe(createHash('sha256').update(altered).digest('hex'));
    // The signature and chain still hold: the manifest is the station's, only the bytes changed.
    expect(v.answer.checks.filter((x) => x.ok === false).map((x) => x.what)).toEqual(['file']);
    const audit = (await ask(h, '/console/api/audit?action=verify', { cookie: await login(h, 'ada', PASSWORD) })).json();
    expect(audit.entries[0]).toMatchObject({ user: 'sam', clipId: c.row.clipId, detail: 'problem (file)' });
  });

  it('legal hold: set with a reason, shown on the clip and in results, read by the station’s publisher, an Object Lock legal hold where the bucket has one; released the same way', async () => {
    const cookie = await login(h, 'sam', PASSWORD);
    const c = clips[0]!;
    expect((await ask(h, clipPath(c, 'hold'), { cookie, body: { held: true } })).status).toBe(400);
    expect((await ask(h, clipPath(c, 'hold'), { cookie, body: { held: true, reason: '   ' } })).status).toBe(400);
    const set = await ask(h, clipPath(c, 'hold'), { cookie, body: { held: true, reason: 'Shopee dispute 2211' } });
    expect(set.status, set.body.toString()).toBe(200);
    const answer = set.json() as ConsoleHoldAnswer;
    expect(answer.hold).toMatchObject({ held: true, reason: 'Shopee dispute 2211', by: 'sam' });
    expect(answer.objectLock).toBe(b.objectLock === 'enforced' ? 'set' : 'unsupported');

    const detail = (await ask(h, `/console/api/clips/${encodeURIComponent(st.name)}/${c.row.clipId}`, { cookie })).json();
    expect(detail.clip.hold).toMatchObject({ held: true, reason: 'Shopee dispute 2211', by: 'sam' });
    const found = (await ask(h, '/console/api/clips?q=SF17', { cookie })).json();
    const byId = new Map(found.clips.map((x: { clipId: string; hold: unknown }) => [x.clipId, x.hold]));
    expect(byId.get(c.row.clipId)).toMatchObject({ held: true });
    expect(byId.get(clips[2]!.row.clipId)).toBeNull();

    // What the station's publisher reads in its next round (publisher.ts applyHolds).
    const holds = await client.holds(0);
    expect(holds.filter((x) => x.clipId === c.row.clipId)).toEqual([
      expect.objectContaining({ clipId: c.row.clipId, sha256: c.sha256, held: true, reason: 'Shopee dispute 2211', by: 'sam' }),
    ]);
    if (b.objectLock === 'enforced') {
      expect(await h.parts.store.legalHold!(c.sha256)).toBe(true);
      // The bucket itself refuses to delete it now.
      await expect(h.parts.store.delete(c.sha256)).rejects.toMatchObject({ code: 'locked' });
    }

    h.clock.now += 1000;
    const released = await ask(h, clipPath(c, 'hold'), { cookie, body: { held: false, reason: 'dispute closed' } });
    expect(released.json()).toMatchObject({
      hold: { held: false, reason: 'dispute closed' },
      objectLock: b.objectLock === 'enforced' ? 'lifted' : 'unsupported',
    });
    expect((await client.holds(0)).filter((x) => x.clipId === c.row.clipId).map((x) => x.held)).toEqual([true, false]);
    if (b.objectLock === 'enforced') expect(await h.parts.store.legalHold!(c.sha256)).toBe(false);
    const detail2 = (await ask(h, `/console/api/clips/${encodeURIComponent(st.name)}/${c.row.clipId}`, { cookie })).json();
    expect(detail2.clip.hold).toMatchObject({ held: false, reason: 'dispute closed' });

    const audit = (await ask(h, '/console/api/audit', { cookie: await login(h, 'ada', PASSWORD) })).json();
    const rows = audit.entries.filter((e: { action: string }) => e.action === 'hold' || e.action === 'release');
    expect(rows.map((e: { action: string; user: string; clipId: string; detail: string }) => [e.action, e.user, e.clipId, e.detail.split(' (')[0]])).toEqual([
      ['release', 'sam', c.row.clipId, 'dispute closed'],
      ['hold', 'sam', c.row.clipId, 'Shopee dispute 2211'],
    ]);
  });

  it('a viewer gets 403 for verify and hold, nothing is held, and without a session both are 401', async () => {
    const cookie = await login(h, 'vic', PASSWORD);
    const c = clips[2]!;
    const before = (await client.holds(0)).length;
    for (const [what, body] of [
      ['verify', {}],
      ['hold', { held: true, reason: 'curious' }],
    ] as const) {
      const a = await ask(h, clipPath(c, what), { cookie, body });
      expect(`${what} ${a.status}`).toBe(`${what} 403`);
      expect(a.json().error.code).toBe('forbidden');
      expect((await ask(h, clipPath(c, what), { body })).status).toBe(401);
    }
    expect((await client.holds(0)).length).toBe(before);
    const sam = await login(h, 'sam', PASSWORD);
    expect((await ask(h, `/console/api/clips/Nowhere/${c.row.clipId}/verify`, { cookie: sam, body: {} })).status).toBe(404);
  });

  it('verify: the clip’s entry covered by an anchor in the chain the hub holds gets the station’s anchor line; an anchor whose token stamps another record is a PROBLEM', async () => {
    const cookie = await login(h, 'sam', PASSWORD);
    const verify = async (c: FakeClip): Promise<ConsoleVerifyAnswer> =>
      (await ask(h, clipPath(c, 'verify'), { cookie, body: {} })).json() as ConsoleVerifyAnswer;
    const last = clips[3]!; // entry 7, the head so far
    // No anchor yet: no anchor line, as on a station.
    expect((await verify(last)).answer.checks.map((x) => x.what)).toEqual(['file', 'signature', 'chain', 'timestamp']);

    const tsa = await startLocalTsa(fs.mkdtempSync(path.join(t.dir, 'tsa-')));
    try {
      const head = st.chain.at(-1)!;
      const stamped = await requestTimestamp(tsa.url, head.hash);
      const anchor = st.append('anchor', null, {
        head: head.seq,
        headHash: head.hash,
        tsa: shortTsaName(stamped.info.name),
        tsaTime: stamped.info.time,
        token: stamped.response.toString('base64'),
      });
      await client.publishChain([anchor]);
      for (const c of [last, clips[2]!]) {
        const v = await verify(c);
        expect(v.answer.verdict).toBe('intact');
        const line = v.answer.checks.at(-1)!;
        expect(line).toMatchObject({
          what: 'chain',
          ok: true,
          message: { code: 'verify-anchor', params: { seq: anchor.seq, head: head.seq, tsa: shortTsaName(stamped.info.name) } },
        });
      }

      // A later clip whose covering anchor's token stamps a hash no entry the hub holds has.
      const later = st.clip('SF1700000000005', 150_000);
      const other = await requestTimestamp(tsa.url, 'ab'.repeat(32));
      const bad = st.append('anchor', null, {
        head: later.entry.seq,
        headHash: later.entry.hash,
        tsa: shortTsaName(other.info.name),
        tsaTime: other.info.time,
        token: other.response.toString('base64'),
      });
      await client.publishChain([later.entry, bad]);
      await client.publishClip(publishInput(later));
      const v = await verify(later);
      expect(v.answer.verdict).toBe('problem');
      const line = v.answer.checks.at(-1)!;
      expect(line).toMatchObject({ what: 'chain', ok: false });
      expect(line.findings).toEqual([
        {
          kind: 'anchor-mismatch',
          message: expect.objectContaining({ code: 'finding-anchor-changed', params: expect.objectContaining({ seq: bad.seq, head: later.entry.seq }) }),
        },
      ]);
      // The earlier clips keep their good anchor.
      expect((await verify(last)).answer.verdict).toBe('intact');
    } finally {
      await tsa.close();
    }
  });
}
