// The hub server, end to end over HTTP with the station's client library: one suite, run on the
// embedded hub (SQLite + folder: hubServer.embedded.test.ts) and on PostgreSQL + S3 (real servers:
// hubServer.pgs3.test.ts). What a person would see: the client's error, `packwitness hub clips`,
// `packwitness hub doctor`, and what the store shows. Hubs that are killed are real processes.
import fs from 'node:fs';
import { expect, it } from 'vitest';
import { HubError, openHubClient } from '../../electron/hub/client/index.ts';
import { codeHash } from '../../electron/hub/server/identity.ts';
import { openHubParts } from '../../electron/hub/server/open.ts';
import { FakeStation, enrolledClient, hubCli, hubFolder, publishInput, resend, startChildHub, startProxy, type Backend } from './hubFixture.ts';
import { hubsOn } from './inProcessHubs.ts';

async function hubErrorOf(p: Promise<unknown>): Promise<HubError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof HubError) return e;
    throw e;
  }
  throw new Error('expected the hub to refuse');
}

export function hubServerSuite(makeBackend: () => Promise<Backend>): void {
  const on = hubsOn(makeBackend, 'pw-hubsrv-st-');
  const hub = on.hub;
  const station = (name: string): FakeStation => new FakeStation(name, on.dir);

  it('enrolls a station once per code; a wrong, used or expired code is refused; a look-alike hub with another key is an impostor', async () => {
    const h = await hub();
    const st = station('Packing 1');
    const code = await h.code();
    const client = await enrolledClient(h.url, code, st);
    await client.hello();
    expect((await h.parts.index.getStation(st.fingerprint))?.name).toBe('Packing 1');

    // Used already (by another station, or the same one again).
    const again = await hubErrorOf(enrolledClient(h.url, code, station('Packing 2')));
    expect([again.code, again.hubCode]).toEqual(['unauthorized', 'bad-code']);
    // A made-up secret with this hub's fingerprint.
    const madeUp = code.replace(/^PWE1-[A-Z2-7]{20}/, 'PWE1-AAAAAAAAAAAAAAAAAAAA');
    expect((await hubErrorOf(enrolledClient(h.url, madeUp, station('Packing 3')))).hubCode).toBe('bad-code');
    // Expired: a code made 25 h ago.
    const old = `PWE1-BBBBBBBBBBBBBBBBBBBB-${h.parts.key.fingerprint.slice(0, 16)}`;
    await h.parts.index.addEnrollCode(codeHash(old), Date.now() - 25 * 3600_000, Date.now() - 3600_000);
    expect((await hubErrorOf(enrolledClient(h.url, old, station('Packing 4')))).hubCode).toBe('bad-code');

    // A look-alike hub on the LAN (its own key): a code of the real hub is not sent to it ...
    const fake = await hub();
    const st5 = station('Packing 5');
    const fresh = await h.code();
    const lookalike = await hubErrorOf(enrolledClient(fake.url, fresh, st5));
    expect(lookalike.code).toBe('impostor');
    // ... and an enrolled station's hello to it fails against the pinned key.
    const pinnedToReal = openHubClient({
      url: fake.url,
      hubFingerprint: h.parts.key.fingerprint,
      hubPublicKeyPem: h.parts.key.publicPem,
      station: st.signer(),
    });
    expect((await hubErrorOf(pinnedToReal.hello())).code).toBe('impostor');
    // The code the look-alike never saw still works on the real hub.
    await (await enrolledClient(h.url, fresh, st5)).hello();
    // An unenrolled key cannot call anything.
    const stranger = station('Stranger');
    const strangerClient = openHubClient({
      url: h.url,
      hubFingerprint: h.parts.key.fingerprint,
      hubPublicKeyPem: h.parts.key.publicPem,
      station: stranger.signer(),
    });
    expect((await hubErrorOf(strangerClient.publishChain([stranger.append('genesis', null, {})]))).hubCode).toBe('unknown-station');
  });

  it('a signed clip is published, confirmed with a receipt, found by `hub clips` and kept as the same bytes', async () => {
    const h = await hub();
    const st = station('Packing 1');
    const client = await enrolledClient(h.url, await h.code(), st);
    st.append('genesis', null, { station: st.name, publicKey: st.publicKeyPem });
    const c = st.clip('SF1400123456789', on.backend.partSize * 2 + 1234);
    const chain = await client.publishChain(st.chain);
    expect(chain.results.map((r) => r.outcome)).toEqual(['inserted', 'inserted']);
    expect(chain.head).toBe(2);
    expect((await client.clipState(c.sha256)).state).toBe('missing');
    const parts: number[] = [];
    const receipt = await client.publishClip(publishInput(c), { onPart: (n) => parts.push(n) });
    expect(parts).toEqual([1, 2, 3]);
    expect(receipt).toMatchObject({ sha256: c.sha256, station: st.fingerprint, clipId: c.row.clipId });
    const state = await client.clipState(c.sha256);
    expect(state.state).toBe('confirmed');
    // Publishing again is harmless (a retry after a lost answer): nothing to send, same clip.
    const again: number[] = [];
    await client.publishClip(publishInput(c), { onPart: (n) => again.push(n) });
    expect(again).toEqual([]);
    expect(Buffer.compare(await h.parts.store.read(c.sha256, 'clip'), fs.readFileSync(c.file))).toBe(0);
    expect((await h.parts.store.read(c.sha256, 'manifest')).toString()).toBe(c.manifest.toString());

    const r = hubCli(['clips', '--order', 'SF1400123456789', '--data', h.dir, '--json']);
    expect(r.status, r.err).toBe(0);
    const rows = JSON.parse(r.out) as Record<string, unknown>[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id: c.row.clipId,
      order: 'SF1400123456789',
      station: 'Packing 1',
      stationFingerprint: st.fingerprint,
      sha256: c.sha256,
      mode: 'shipping',
      operator: 'amy',
    });
    expect(Date.parse(String(rows[0]!.publishedAt))).toBeGreaterThan(0);
    expect(hubCli(['clips', '--station', 'Packing 1', '--data', h.dir, '--json']).out).toContain(c.sha256);
    const none = hubCli(['clips', '--order', 'NOPE', '--data', h.dir]);
    expect(none.status).toBe(1);
    expect(none.out).toContain('No clip was found for order NOPE');
  });

  it('bytes changed on the way (a tampering proxy) are refused and named; nothing is indexed; the honest retry goes through', async () => {
    const h = await hub();
    const st = station('Packing 1');
    const client = await enrolledClient(h.url, await h.code(), st);
    const c = st.clip('SF1400000000001', on.backend.partSize + 10);
    await client.publishChain(st.chain);
    const proxy = await startProxy(h.url, (method, p, body) => {
      if (method === 'PUT' && p.endsWith('/parts/2')) {
        const x = Buffer.from(body);
        x[3] = x[3]! ^ 0xff;
        return x;
      }
      return body;
    });
    const viaProxy = openHubClient({ url: proxy.url, hubFingerprint: h.parts.key.fingerprint, hubPublicKeyPem: h.parts.key.publicPem, station: st.signer() });
    const err = await hubErrorOf(viaProxy.publishClip(publishInput(c)));
    expect(err.hubCode).toBe('bad-signature');
    expect(err.message).toMatch(/changed on the way/);
    await proxy.close();
    expect(await h.parts.store.stat(c.sha256)).toBeNull();
    expect(await h.parts.index.clipsBySha256(c.sha256)).toEqual([]);
    const doctor = hubCli(['doctor', '--data', h.dir, '--json']);
    expect(doctor.status).toBe(1);
    const report = JSON.parse(doctor.out) as { refused: { reason: string; stationName: string; detail: string }[] };
    expect(report.refused.some((r) => r.reason === 'bad-signature' && r.stationName === 'Packing 1' && /changed on the way/.test(r.detail))).toBe(true);
    // Part 1 passed untouched and is kept; the retry sends only part 2.
    const sent: number[] = [];
    await client.publishClip(publishInput(c), { onPart: (n) => sent.push(n) });
    expect(sent).toEqual([2]);
    expect((await client.clipState(c.sha256)).state).toBe('confirmed');
  });

  it('parts go signed over their MD5 to a hub that takes it; parts signed over their SHA-256 (an older station, or one an older hub told nothing) are still accepted', async () => {
    const h = await hub();
    const st = station('Packing 1');
    const client = await enrolledClient(h.url, await h.code(), st);
    const now = st.clip('SF1400000000011', on.backend.partSize + 10);
    const old = st.clip('SF1400000000012', on.backend.partSize + 20);
    await client.publishChain(st.chain);
    const watch = await startProxy(h.url);
    // An older hub's begin answer has no partDigest: the station signs its parts as it always did.
    const olderHub = await startProxy(h.url, undefined, (method, p, body) => {
      if (method !== 'POST' || !p.endsWith('/begin')) return body;
      const { partDigest, ...rest } = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
      expect(partDigest).toBe('md5');
      return Buffer.from(JSON.stringify(rest));
    });
    const via = (url: string) => openHubClient({ url, hubFingerprint: h.parts.key.fingerprint, hubPublicKeyPem: h.parts.key.publicPem, station: st.signer() });
    try {
      await via(watch.url).publishClip(publishInput(now));
      await via(olderHub.url).publishClip(publishInput(old));
    } finally {
      await watch.close();
      await olderHub.close();
    }
    const digests = (seen: typeof watch.seen): (string | string[] | undefined)[] =>
      seen.filter((r) => r.method === 'PUT').map((r) => r.headers['x-pw-body-digest']);
    expect(digests(watch.seen)).toEqual(['md5', 'md5']);
    expect(digests(olderHub.seen)).toEqual([undefined, undefined]);
    for (const c of [now, old]) {
      expect((await client.clipState(c.sha256)).state).toBe('confirmed');
      expect(Buffer.compare(await h.parts.store.read(c.sha256, 'clip'), fs.readFileSync(c.file))).toBe(0);
    }
  });

  it('bytes that do not hash to what the manifest names are refused at complete and never become visible', async () => {
    const h = await hub();
    const st = station('Packing 1');
    const client = await enrolledClient(h.url, await h.code(), st);
    const c = st.clip('SF1400000000002', on.backend.partSize + 10);
    await client.publishChain(st.chain);
    // A station whose file changed after sealing: the same size, other bytes.
    const bytes = fs.readFileSync(c.file);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0x01;
    fs.writeFileSync(c.file, bytes);
    const err = await hubErrorOf(client.publishClip(publishInput(c)));
    expect([err.code, err.hubCode]).toEqual(['refused', 'hash-mismatch']);
    expect(await h.parts.store.stat(c.sha256)).toBeNull();
    expect(await h.parts.index.clipsBySha256(c.sha256)).toEqual([]);
    expect(h.refusals.some((l) => l.includes('hash-mismatch'))).toBe(true);
  });

  it('a manifest or chain entry signed by another key is refused and named', async () => {
    const h = await hub();
    const st = station('Packing 1');
    const client = await enrolledClient(h.url, await h.code(), st);
    const c = st.clip('SF1400000000003', 1000);
    await client.publishChain(st.chain);
    const other = station('Other');
    const forged = { ...publishInput(c), signature: other.sign(c.manifest) };
    const err = await hubErrorOf(client.publishClip(forged));
    expect([err.code, err.hubCode]).toEqual(['refused', 'bad-signature']);
    expect(await h.parts.index.clipsBySha256(c.sha256)).toEqual([]);
    // A chain entry the other key signed, offered as this station's next entry.
    const theirs = other.append('clip', 'x', {});
    const forgedEntry = { ...theirs, seq: 2, prev: st.chain[0]!.hash };
    const res = await client.publishChain([forgedEntry]);
    expect(res.results).toEqual([{ seq: 2, outcome: 'refused', reason: 'bad-signature' }]);
    expect(res.head).toBe(1);
    const report = JSON.parse(hubCli(['doctor', '--data', h.dir, '--json']).out) as { refused: { reason: string }[] };
    expect(report.refused.filter((r) => r.reason === 'bad-signature')).toHaveLength(2);
  });

  it("a replay of another station's upload is refused: the same signed request again, and the same bytes under another key", async () => {
    const h = await hub();
    const a = station('Packing A');
    const bSt = station('Packing B');
    const ca = await enrolledClient(h.url, await h.code(), a);
    const cb = await enrolledClient(h.url, await h.code(), bSt);
    const clipA = a.clip('SF1400000000004', 2000);
    const proxy = await startProxy(h.url);
    const viaProxy = openHubClient({ url: proxy.url, hubFingerprint: h.parts.key.fingerprint, hubPublicKeyPem: h.parts.key.publicPem, station: a.signer() });
    await viaProxy.publishChain(a.chain);
    await viaProxy.publishClip(publishInput(clipA));
    await proxy.close();
    // The captured complete of station A, sent again byte for byte.
    const complete = proxy.seen.find((r) => r.path.endsWith('/complete'))!;
    const replayed = await resend(h.url, complete);
    expect(replayed.status).toBe(401);
    expect(JSON.parse(replayed.body).error.code).toBe('replay');
    // Station B publishes A's bytes as its own clip, with its own (valid) signature.
    const copy = bSt.clip('SF1400000000004', 0, fs.readFileSync(clipA.file));
    await cb.publishChain(bSt.chain);
    const err = await hubErrorOf(cb.publishClip(publishInput(copy)));
    expect([err.code, err.hubCode]).toEqual(['refused', 'replay']);
    expect(err.message).toContain('Packing A');
    expect((await h.parts.index.clipsBySha256(clipA.sha256)).map((c) => c.stationName)).toEqual(['Packing A']);
    expect((await ca.clipState(clipA.sha256)).state).toBe('confirmed');
    expect((await cb.clipState(clipA.sha256)).state).toBe('missing');
  });

  it('a chain with a hole is listed by `hub doctor` with the station and time span, and the hole closes when the entries arrive', async () => {
    const h = await hub();
    const st = station('Packing 1');
    const client = await enrolledClient(h.url, await h.code(), st);
    for (let i = 0; i < 6; i++) st.append('discarded', `c${i}`, { reason: 'too short' });
    const [e1, e2, e3, e4, e5, e6] = st.chain;
    expect((await client.publishChain([e1!, e2!, e5!, e6!])).head).toBe(2);
    let report = JSON.parse(hubCli(['doctor', '--data', h.dir, '--json']).out) as {
      holes: { stationName: string; fromSeq: number; toSeq: number; fromTime: number; toTime: number }[];
    };
    expect(report.holes).toEqual([expect.objectContaining({ stationName: 'Packing 1', fromSeq: 3, toSeq: 4, fromTime: e2!.at, toTime: e5!.at })]);
    const text = hubCli(['doctor', '--data', h.dir]).out;
    expect(text).toContain(`Packing 1: entries 3–4, between ${new Date(e2!.at).toISOString()} … ${new Date(e5!.at).toISOString()}`);
    // An entry that does not link to its held neighbour is refused, the hole stays.
    const badLink = { ...e3!, prev: e1!.hash };
    expect((await client.publishChain([badLink])).results[0]!.outcome).toBe('refused');
    const filled = await client.publishChain([e3!, e4!]);
    expect(filled.results.map((r) => r.outcome)).toEqual(['inserted', 'inserted']);
    expect(filled.head).toBe(6);
    report = JSON.parse(hubCli(['doctor', '--data', h.dir, '--json']).out);
    expect(report.holes).toEqual([]);
    // The same entries again are duplicates, not errors.
    expect((await client.publishChain([e1!])).results[0]!.outcome).toBe('duplicate');
  });

  it('`hub doctor` flags a station whose anchors stopped while its chain grew', async () => {
    const h = await hub();
    const st = station('Packing 1');
    const client = await enrolledClient(h.url, await h.code(), st);
    st.append('genesis', null, {});
    st.append('anchor', null, { head: 'x' });
    for (let i = 0; i < 4; i++) st.append('discarded', `d${i}`, {}, 45 * 60_000); // 3 h after the anchor
    await client.publishChain(st.chain);
    const r = hubCli(['doctor', '--data', h.dir, '--json']);
    const report = JSON.parse(r.out) as { stations: { name: string; anchorsStopped: boolean; newestAnchorAt: string }[] };
    expect(report.stations[0]).toMatchObject({ name: 'Packing 1', anchorsStopped: true, newestAnchorAt: new Date(st.chain[1]!.at).toISOString() });
    expect(hubCli(['doctor', '--data', h.dir]).out).toContain('ANCHORS STOPPED');
    st.append('anchor', null, { head: 'y' }, 1000);
    await client.publishChain(st.chain.slice(-1));
    const after = JSON.parse(hubCli(['doctor', '--data', h.dir, '--json']).out) as typeof report;
    expect(after.stations[0]!.anchorsStopped).toBe(false);
  });

  it('the hub answers only under its own names and never to a web page; bodies have limits', async () => {
    const h = await hub();
    const u = new URL(h.url);
    const get = (headers: Record<string, string>) => fetch(`${h.url}/hub/v1/hello?nonce=${'a'.repeat(32)}`, { headers });
    expect((await get({})).status).toBe(200);
    const http = await import('node:http');
    const status = (headers: Record<string, string>, method = 'GET', p = `/hub/v1/hello?nonce=${'a'.repeat(32)}`, body?: Buffer) =>
      new Promise<number>((resolve, reject) => {
        const req = http.request({ host: u.hostname, port: u.port, method, path: p, headers }, (res) => {
          res.resume();
          resolve(res.statusCode!);
        });
        req.on('error', reject);
        req.end(body);
      });
    expect(await status({ host: `evil.example:${u.port}` })).toBe(421);
    expect(await status({ host: u.host, origin: 'http://evil.example' })).toBe(403);
    expect(await status({ host: u.host, 'sec-fetch-site': 'cross-site' })).toBe(403);
    expect(await status({ host: u.host, 'content-type': 'text/plain' }, 'POST', '/hub/v1/enroll', Buffer.from('{}'))).toBe(415);
    const big = Buffer.alloc((8 << 20) + 10, 0x20);
    expect(
      await status({ host: u.host, 'content-type': 'application/json', 'content-length': String(big.length) }, 'POST', '/hub/v1/chain', big).catch(() => 413),
    ).toBe(413);
  });

  it('kill -9 of the hub mid-multipart, ten times: each run resumes from the stored parts, nothing partial is ever visible or indexed', async () => {
    const f = await hubFolder(on.backend);
    const st = station('Packing 1');
    let child = await startChildHub(f.dir, on.backend.partSize);
    const check = await openHubParts(f.dir, f.settings, { partSize: on.backend.partSize });
    try {
      const code = (await import('../../electron/hub/server/identity.ts')).newEnrollCode;
      let client = await enrolledClient(child.url, (await code(check.index, check.key.fingerprint)).code, st);
      const c = st.clip('SF1400000000010', on.backend.partSize * 11 + 77);
      await client.publishChain(st.chain);
      const sentEver: number[] = [];
      for (let kill = 1; kill <= 10; kill++) {
        // Each run gets one more part stored, then the hub dies while the next part is on its way.
        const err = await hubErrorOf(
          client.publishClip(publishInput(c), {
            onPart: (n) => {
              sentEver.push(n);
              if (n >= kill) child.child.kill('SIGKILL');
            },
          }),
        );
        expect(err.code).toBe('unreachable');
        await child.kill9();
        expect(await check.store.stat(c.sha256)).toBeNull();
        expect(await check.index.clipsBySha256(c.sha256)).toEqual([]);
        expect(JSON.parse(hubCli(['clips', '--data', f.dir, '--json']).out)).toEqual([]);
        child = await startChildHub(f.dir, on.backend.partSize);
        client = openHubClient({ url: child.url, hubFingerprint: check.key.fingerprint, hubPublicKeyPem: check.key.publicPem, station: st.signer() });
      }
      const receipt = await client.publishClip(publishInput(c), { onPart: (n) => sentEver.push(n) });
      expect(receipt.sha256).toBe(c.sha256);
      // Every part went over the wire once (a part cut off by the kill at most twice), none more.
      expect(new Set(sentEver).size).toBe(12);
      expect(sentEver.length).toBe(12);
      expect(Buffer.compare(await check.store.read(c.sha256, 'clip'), fs.readFileSync(c.file))).toBe(0);
      expect((JSON.parse(hubCli(['clips', '--data', f.dir, '--json']).out) as unknown[]).length).toBe(1);
    } finally {
      await child.stop();
      await check.close();
      f.cleanup();
    }
  }, 300_000); // ten hub processes started and killed: on a loaded machine each start takes seconds

  it('two hub processes on one index and store: stations split between them, one killed mid-upload, its station carries on at the other', async () => {
    const f = await hubFolder(on.backend);
    const one = await startChildHub(f.dir, on.backend.partSize);
    const two = await startChildHub(f.dir, on.backend.partSize);
    const check = await openHubParts(f.dir, f.settings, { partSize: on.backend.partSize });
    try {
      const { newEnrollCode } = await import('../../electron/hub/server/identity.ts');
      const a = station('Packing A');
      const bb = station('Packing B');
      const ca1 = await enrolledClient(one.url, (await newEnrollCode(check.index, check.key.fingerprint)).code, a);
      const cb2 = await enrolledClient(two.url, (await newEnrollCode(check.index, check.key.fingerprint)).code, bb);
      const clipA = a.clip('SF1400000000020', on.backend.partSize * 3 + 5);
      const clipB = bb.clip('SF1400000000021', on.backend.partSize * 2 + 5);
      await ca1.publishChain(a.chain);
      await cb2.publishChain(bb.chain);
      const [errA, receiptB] = await Promise.all([
        hubErrorOf(
          ca1.publishClip(publishInput(clipA), {
            onPart: (n) => {
              if (n === 2) one.child.kill('SIGKILL');
            },
          }),
        ),
        cb2.publishClip(publishInput(clipB)),
      ]);
      expect(errA.code).toBe('unreachable');
      expect(receiptB.sha256).toBe(clipB.sha256);
      await one.kill9();
      // Station A turns to the other hub (the same key: stations cannot tell them apart) and resumes.
      const ca2 = openHubClient({ url: two.url, hubFingerprint: check.key.fingerprint, hubPublicKeyPem: check.key.publicPem, station: a.signer() });
      await ca2.hello();
      const resumed: number[] = [];
      await ca2.publishClip(publishInput(clipA), { onPart: (n) => resumed.push(n) });
      expect(resumed[0]).toBeGreaterThanOrEqual(3);
      // Each hub said at start where it stores and whether the store enforces Object Lock.
      for (const h of [one, two])
        expect(h.output()).toMatch(new RegExp(`Object Lock: .*${on.backend.objectLock === 'enforced' ? 'enforces Object Lock' : 'no Object Lock'}`));
      const doctor = JSON.parse(hubCli(['doctor', '--data', f.dir, '--json']).out) as { store: { writable: boolean; objectLock: string } };
      expect(doctor.store).toMatchObject({ writable: true, objectLock: on.backend.objectLock });
      const rows = JSON.parse(hubCli(['clips', '--data', f.dir, '--json']).out) as { station: string; sha256: string }[];
      expect(rows.map((r) => r.station).sort()).toEqual(['Packing A', 'Packing B']);
      expect(Buffer.compare(await check.store.read(clipA.sha256, 'clip'), fs.readFileSync(clipA.file))).toBe(0);
    } finally {
      await one.stop();
      await two.stop();
      await check.close();
      f.cleanup();
    }
  });
}
