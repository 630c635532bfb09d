// The console's calls on the hub, over HTTP as a browser or an attacker sends them: one suite, run
// on the embedded hub (console.embedded.test.ts) and on PostgreSQL + S3 (console.pgs3.test.ts).
// What a person sees: status codes and messages, the cookie, the bytes a player gets, the audit
// log an admin reads.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tmpDir } from '../helpers/tmp.ts';
import { BIN, FakeStation, type Backend, type FakeClip } from './hubFixture.ts';
import path from 'node:path';
import { newEnrollCode } from '../../electron/hub/server/identity.ts';
import { ThumbMaker } from '../../electron/hub/console/thumbs.ts';
import { dialectOf } from '../../electron/hub/auth/accounts.ts';
import { enrolledClient, publishInput } from './hubFixture.ts';
import { ask, cookieOf, fileBytes, login, makeMp4, publishClips, startConsoleHub, type ConsoleHub } from './consoleFixture.ts';

const PASSWORD = 'correct horse battery';

function userAdd(dir: string, name: string, role: string, input: string): { status: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, 'hub', 'user', 'add', name, '--role', role, '--data', dir], { input, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

export function consoleSuite(makeBackend: () => Promise<Backend>): void {
  let b: Backend;
  let h: ConsoleHub;
  let t: ReturnType<typeof tmpDir>;
  let clips1: FakeClip[];
  let clips2: FakeClip[];
  beforeAll(async () => {
    b = await makeBackend();
    t = tmpDir('pw-console-st-');
    h = await startConsoleHub(b);
    const size = 200_000;
    clips1 = await publishClips(h, new FakeStation('Packing 1', t.dir), ['SF1400000000001', 'SF1400000000002', 'YT9000000000003'], size);
    clips2 = await publishClips(h, new FakeStation('Returns 2', t.dir), ['SF1400000000009'], size);
    await h.console.accounts.addUser('ada', 'admin', PASSWORD);
    await h.console.accounts.addUser('sam', 'service', PASSWORD);
    await h.console.accounts.addUser('vic', 'viewer', PASSWORD);
  });
  afterAll(async () => {
    await h?.close().catch(() => {});
    await b?.cleanup();
    t?.cleanup();
  });

  it('`hub user add` takes the password from stdin, never from argv, refuses a short one or a taken name; the user logs in', async () => {
    const short = userAdd(h.dir, 'cathy', 'service', 'short\n');
    expect(short.status).toBe(1);
    expect(short.err).toContain('at least 10 characters');
    const bad = userAdd(h.dir, 'cathy', 'root', `${PASSWORD}\n`);
    expect(bad.status).toBe(2);
    expect(bad.err).toContain('--role is one of admin, service, viewer');
    const ok = userAdd(h.dir, 'cathy', 'service', `${PASSWORD}\n`);
    expect(ok.status, ok.err).toBe(0);
    expect(ok.out).toContain('User cathy (service) added');
    expect(userAdd(h.dir, 'cathy', 'viewer', `${PASSWORD}\n`).err).toContain('there is a user cathy already');
    const list = spawnSync(process.execPath, [BIN, 'hub', 'user', 'list', '--data', h.dir], { encoding: 'utf8' });
    expect(list.stdout).toMatch(/cathy\s+service/);
    const me = await ask(h, '/console/api/me', { cookie: await login(h, 'cathy', PASSWORD) });
    expect(me.json()).toMatchObject({ name: 'cathy', role: 'service' });
    // A lost laptop: the admin ends every session of the user, then removes the user.
    const laptop = await login(h, 'cathy', PASSWORD);
    const out = spawnSync(process.execPath, [BIN, 'hub', 'user', 'logout', 'cathy', '--data', h.dir], { encoding: 'utf8' });
    expect(out.stdout).toContain('Every session of cathy has ended.');
    expect((await ask(h, '/console/api/me', { cookie: laptop })).status).toBe(401);
    const again = await login(h, 'cathy', PASSWORD);
    const rm = spawnSync(process.execPath, [BIN, 'hub', 'user', 'remove', 'cathy', '--data', h.dir], { encoding: 'utf8' });
    expect(rm.stdout).toContain('User cathy removed');
    expect((await ask(h, '/console/api/me', { cookie: again })).status).toBe(401);
    expect((await ask(h, '/console/api/login', { body: { name: 'cathy', password: PASSWORD } })).status).toBe(401);
  });

  it('each role can make exactly its calls; without a session every call but login is 401', async () => {
    const c = clips1[0]!;
    const clipPath = `/console/api/clips/${encodeURIComponent('Packing 1')}/${c.row.clipId}`;
    const calls: Record<string, { path: string; method?: string; body?: unknown; ok: number }> = {
      me: { path: '/console/api/me', ok: 200 },
      search: { path: '/console/api/clips?q=SF14', ok: 200 },
      clip: { path: clipPath, ok: 200 },
      media: { path: `${clipPath}/media`, ok: 200 },
      audit: { path: '/console/api/audit', ok: 200 },
      auditCsv: { path: '/console/api/audit.csv', ok: 200 },
      logout: { path: '/console/api/logout', body: {}, ok: 200 },
      logoutEverywhere: { path: '/console/api/logout-everywhere', body: {}, ok: 200 },
      // No thumbnail is made of these clips (random bytes): the role passes, the answer is 404.
      thumb: { path: `${clipPath}/thumb`, ok: 404 },
      users: { path: '/console/api/admin/users', ok: 200 },
      userAdd: { path: '/console/api/admin/users/add', body: { name: 'roles', role: 'viewer', password: PASSWORD }, ok: 200 },
      userLogout: { path: '/console/api/admin/users/logout', body: { name: 'roles' }, ok: 200 },
      userRemove: { path: '/console/api/admin/users/remove', body: { name: 'roles' }, ok: 200 },
      enrollCode: { path: '/console/api/admin/enroll-code', body: {}, ok: 200 },
      stations: { path: '/console/api/admin/stations', ok: 200 },
    };
    const adminCalls = ['users', 'userAdd', 'userLogout', 'userRemove', 'enrollCode', 'stations'];
    const may: Record<string, string[]> = {
      ada: ['me', 'audit', 'auditCsv', 'logout', 'logoutEverywhere', ...adminCalls],
      sam: ['me', 'search', 'clip', 'media', 'thumb', 'logout', 'logoutEverywhere'],
      vic: ['me', 'search', 'clip', 'media', 'thumb', 'logout', 'logoutEverywhere'],
    };
    for (const [name, allowed] of Object.entries(may)) {
      for (const [call, spec] of Object.entries(calls)) {
        // Logging out ends the session: each call gets a fresh one.
        const cookie = await login(h, name, PASSWORD);
        const a = await ask(h, spec.path, { cookie, ...(spec.body ? { body: spec.body } : {}) });
        const want = allowed.includes(call) ? spec.ok : 403;
        expect(`${name} ${call} ${a.status}`).toBe(`${name} ${call} ${want}`);
        if (want === 403) expect(a.json().error.code).toBe('forbidden');
      }
    }
    for (const [call, spec] of Object.entries(calls)) {
      const a = await ask(h, spec.path, spec.body ? { body: spec.body } : {});
      expect(`${call} ${a.status}`).toBe(`${call} 401`);
      expect(a.json().error.code).toBe('no-session');
    }
  });

  it('search across stations: exact and partial codes, station, operator, mode, time range; newest first, paged', async () => {
    const cookie = await login(h, 'sam', PASSWORD);
    const search = async (q: string): Promise<{ clips: { order: string; stationName: string; clipId: string }[]; next: string | null }> => {
      const a = await ask(h, `/console/api/clips?${q}`, { cookie });
      expect(a.status, a.body.toString()).toBe(200);
      return a.json();
    };
    expect((await search('order=SF1400000000009')).clips.map((c) => [c.order, c.stationName])).toEqual([['SF1400000000009', 'Returns 2']]);
    expect((await search('order=SF14')).clips).toEqual([]);
    const partial = await search('q=sf14');
    expect(partial.clips.map((c) => c.order).sort()).toEqual(['SF1400000000001', 'SF1400000000002', 'SF1400000000009']);
    expect((await search('q=SF14&station=Packing%201')).clips.map((c) => c.order).sort()).toEqual(['SF1400000000001', 'SF1400000000002']);
    expect((await search('operator=amy')).clips).toHaveLength(4);
    expect((await search('operator=bob')).clips).toHaveLength(0);
    expect((await search('mode=returns')).clips).toHaveLength(0);
    // Newest first; clips started in the same millisecond: the one published later first.
    const published = clips1.concat(clips2);
    const all = [...published].sort((x, y) => y.row.startedAt - x.row.startedAt || published.indexOf(y) - published.indexOf(x));
    const mid = all[1]!.row.startedAt;
    expect((await search(`from=${mid}`)).clips.every((c) => all.find((x) => x.row.clipId === c.clipId)!.row.startedAt >= mid)).toBe(true);
    expect((await search(`to=${new Date(mid).toISOString()}`)).clips.length).toBe(all.filter((x) => x.row.startedAt < mid).length);
    // Pages of 2, newest first, until `next` is null.
    const seen: string[] = [];
    let next: string | null = null;
    do {
      const page = await search(`limit=2${next ? `&before=${next}` : ''}`);
      seen.push(...page.clips.map((c) => c.clipId));
      next = page.next;
    } while (next);
    expect(seen).toEqual(all.map((c) => c.row.clipId));
    expect((await ask(h, '/console/api/clips?from=yesterday', { cookie })).status).toBe(400);
  });

  it('clip details and its media with HTTP Range through the hub: the right bytes, 416 outside the file', async () => {
    const cookie = await login(h, 'vic', PASSWORD);
    const c = clips2[0]!;
    const bytes = fileBytes(c);
    // Named by the station's fingerprint or its name.
    for (const st of ['Returns 2', c.entry.body.match(/"key":"([0-9a-f]+)"/)![1]!]) {
      const d = await ask(h, `/console/api/clips/${encodeURIComponent(st)}/${c.row.clipId}`, { cookie });
      expect(d.json().clip).toMatchObject({
        clipId: c.row.clipId,
        order: 'SF1400000000009',
        sha256: c.sha256,
        stationName: 'Returns 2',
        sizeBytes: bytes.length,
      });
    }
    const media = `/console/api/clips/Returns%202/${c.row.clipId}/media`;
    const whole = await ask(h, media, { cookie });
    expect(whole.status).toBe(200);
    expect(whole.headers['accept-ranges']).toBe('bytes');
    expect(whole.headers['content-type']).toBe('video/mp4');
    expect(Buffer.compare(whole.body, bytes)).toBe(0);
    const part = await ask(h, media, { cookie, headers: { range: 'bytes=1000-1999' } });
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 1000-1999/${bytes.length}`);
    expect(Buffer.compare(part.body, bytes.subarray(1000, 2000))).toBe(0);
    const tail = await ask(h, media, { cookie, headers: { range: 'bytes=-500' } });
    expect(Buffer.compare(tail.body, bytes.subarray(bytes.length - 500))).toBe(0);
    const open = await ask(h, media, { cookie, headers: { range: `bytes=${bytes.length - 10}-` } });
    expect(Buffer.compare(open.body, bytes.subarray(bytes.length - 10))).toBe(0);
    const outside = await ask(h, media, { cookie, headers: { range: `bytes=${bytes.length}-` } });
    expect(outside.status).toBe(416);
    expect(outside.headers['content-range']).toBe(`bytes */${bytes.length}`);
    const head = await ask(h, media, { cookie, method: 'HEAD', headers: { range: 'bytes=0-9' } });
    expect([head.status, head.headers['content-length'], head.body.length]).toEqual([206, '10', 0]);
    expect((await ask(h, `/console/api/clips/Returns%202/no-such-clip/media`, { cookie })).status).toBe(404);
    expect((await ask(h, `/console/api/clips/Nowhere/${c.row.clipId}`, { cookie })).status).toBe(404);
  });

  it('wrong passwords lock the name out with a growing back-off, then the address; unknown names get the same answer', async () => {
    await h.console.accounts.addUser('lou', 'viewer', PASSWORD);
    const wrong = await ask(h, '/console/api/login', { body: { name: 'lou', password: 'not the password' } });
    const unknown = await ask(h, '/console/api/login', { body: { name: 'nobody', password: 'not the password' } });
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(wrong.json()).toEqual(unknown.json());
    for (let i = 0; i < 4; i++) expect((await ask(h, '/console/api/login', { body: { name: 'lou', password: `wrong ${i}` } })).status).toBe(401);
    // Five failures: now even the right password is refused, without being checked.
    const locked = await ask(h, '/console/api/login', { body: { name: 'lou', password: PASSWORD } });
    expect(locked.status).toBe(429);
    expect(locked.json().error.code).toBe('locked');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    // Another user is not locked by lou's failures.
    await login(h, 'vic', PASSWORD);
    // After the back-off the right password works again, and the count starts over.
    h.clock.now += Number(locked.headers['retry-after']) * 1000 + 1000;
    expect(cookieOf(await ask(h, '/console/api/login', { body: { name: 'lou', password: PASSWORD } }))).toMatch(/^pw_console=/);

    // One address trying many names: locked out for every name, a right password too.
    for (let i = 0; i < 20; i++) await ask(h, '/console/api/login', { body: { name: `guess${i}`, password: 'x'.repeat(12) } });
    expect((await ask(h, '/console/api/login', { body: { name: 'vic', password: PASSWORD } })).status).toBe(429);
    h.clock.now += 3600_000 + 1000;
    await login(h, 'vic', PASSWORD);
  });

  it('a forged, malformed, expired or logged-out cookie is refused; logout everywhere ends every session', async () => {
    const forged = `pw_console=${randomBytes(32).toString('base64url')}`;
    expect((await ask(h, '/console/api/me', { cookie: forged })).status).toBe(401);
    expect((await ask(h, '/console/api/me', { cookie: "pw_console=' OR 1=1 --" })).status).toBe(401);
    const set = (await ask(h, '/console/api/login', { body: { name: 'sam', password: PASSWORD } })).headers['set-cookie']![0]!;
    expect(set).toMatch(/HttpOnly/);
    expect(set).toMatch(/SameSite=Strict/);
    expect(set).toMatch(/Path=\/console/);
    expect(set).not.toMatch(/Secure/);
    const viaTls = await ask(h, '/console/api/login', { body: { name: 'sam', password: PASSWORD }, headers: { 'x-forwarded-proto': 'https' } });
    expect(viaTls.headers['set-cookie']![0]).toMatch(/; Secure/);
    // The index keeps only a hash of the session id.
    const id = set.split(';')[0]!.split('=')[1]!;
    const sessions = await h.console.accounts.session(id, h.clock.now);
    expect(sessions?.name).toBe('sam');

    const a = await login(h, 'sam', PASSWORD);
    expect((await ask(h, '/console/api/me', { cookie: a })).status).toBe(200);
    h.clock.now += 12 * 3600_000 + 1000;
    expect((await ask(h, '/console/api/me', { cookie: a })).status).toBe(401);

    const one = await login(h, 'sam', PASSWORD);
    const two = await login(h, 'sam', PASSWORD);
    const other = await login(h, 'vic', PASSWORD);
    const out = await ask(h, '/console/api/logout', { cookie: one, body: {} });
    expect(out.headers['set-cookie']![0]).toMatch(/Max-Age=0/);
    expect((await ask(h, '/console/api/me', { cookie: one })).status).toBe(401);
    expect((await ask(h, '/console/api/me', { cookie: two })).status).toBe(200);
    const three = await login(h, 'sam', PASSWORD);
    expect((await ask(h, '/console/api/logout-everywhere', { cookie: three, body: {} })).status).toBe(200);
    expect((await ask(h, '/console/api/me', { cookie: two })).status).toBe(401);
    expect((await ask(h, '/console/api/me', { cookie: three })).status).toBe(401);
    expect((await ask(h, '/console/api/me', { cookie: other })).status).toBe(200);
  });

  it('wrong Host, another site’s Origin, a cross-site fetch or a form post are refused before any work', async () => {
    const cookie = await login(h, 'sam', PASSWORD);
    const own = `http://${h.host}`;
    expect((await ask(h, '/console/api/clips?q=SF', { cookie, headers: { host: `evil.example:${new URL(h.url).port}` } })).status).toBe(421);
    expect((await ask(h, '/console/api/login', { body: { name: 'sam', password: PASSWORD }, headers: { host: 'evil.example' } })).status).toBe(421);
    expect((await ask(h, '/console/api/clips?q=SF', { cookie, headers: { origin: 'http://evil.example' } })).status).toBe(403);
    expect((await ask(h, '/console/api/clips?q=SF', { cookie, headers: { 'sec-fetch-site': 'cross-site' } })).status).toBe(403);
    expect((await ask(h, '/console/api/login', { body: { name: 'sam', password: PASSWORD }, headers: { origin: 'http://evil.example' } })).status).toBe(403);
    expect((await ask(h, '/console/api/logout-everywhere', { cookie, body: {}, headers: { origin: 'null' } })).status).toBe(403);
    // A form post (text/plain) changes nothing.
    expect((await ask(h, '/console/api/logout-everywhere', { cookie, body: {}, headers: { 'content-type': 'text/plain' } })).status).toBe(415);
    expect((await ask(h, '/console/api/me', { cookie })).status).toBe(200);
    // The console's own page: same Origin, same-origin fetch.
    expect((await ask(h, '/console/api/clips?q=SF', { cookie, headers: { origin: own, 'sec-fetch-site': 'same-origin' } })).status).toBe(200);
    // Path tricks and unknown calls.
    expect((await ask(h, '/console/api/../../hub/v1/holds', { cookie })).status).not.toBe(200);
    expect((await ask(h, '/console/api/clips/Packing%201/x/../../../audit', { cookie })).status).not.toBe(200);
    expect((await ask(h, '/console/api/users', { cookie })).status).toBe(404);
    // The station API still refuses every browser request.
    expect((await ask(h, '/hub/v1/holds', { headers: { origin: own } })).status).toBe(403);
    // An oversized login body.
    const big = await ask(h, '/console/api/login', { body: { name: 'sam', password: 'x'.repeat(100_000) } });
    expect(big.status).toBe(413);
  });

  it('the audit log shows who searched and played which clip; an admin gets it as CSV', async () => {
    const cookie = await login(h, 'vic', PASSWORD);
    const c = clips1[2]!;
    await ask(h, '/console/api/clips?order=YT9000000000003', { cookie });
    await ask(h, `/console/api/clips/Packing%201/${c.row.clipId}/media`, { cookie, headers: { range: 'bytes=0-' } });
    // Seeking (a range further on) is the same play, not a new row.
    await ask(h, `/console/api/clips/Packing%201/${c.row.clipId}/media`, { cookie, headers: { range: 'bytes=5000-' } });
    const admin = await login(h, 'ada', PASSWORD);
    const list = await ask(h, '/console/api/audit?user=vic&limit=5', { cookie: admin });
    const entries = list.json().entries as { action: string; user: string; clipId: string | null; sha256: string | null; detail: string | null }[];
    expect(entries[0]).toMatchObject({ action: 'play', user: 'vic', clipId: c.row.clipId, sha256: c.sha256 });
    expect(entries[1]).toMatchObject({ action: 'search', user: 'vic' });
    expect(entries[1]!.detail).toContain('order=YT9000000000003');
    expect(entries[2]).toMatchObject({ action: 'login', user: 'vic' });
    const csv = await ask(h, '/console/api/audit.csv?user=vic', { cookie: admin });
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toMatch(/attachment; filename="packwitness-audit-/);
    const lines = csv.body.toString('utf8').trim().split('\r\n');
    expect(lines[0]).toBe('id,time (UTC),user,role,action,station,clip,sha256,detail,address');
    expect(lines[1]).toContain(`,vic,viewer,play,`);
    expect(lines[1]).toContain(c.row.clipId);
    const refused = (await ask(h, '/console/api/audit?action=login-refused', { cookie: admin })).json().entries as { user: string }[];
    expect(refused.map((e) => e.user)).toContain('lou');
  });

  it('status filters and tags: ok, interrupted, recovered, held, published late, hole nearby; a thumbnail is made once and served by session', async () => {
    const st = new FakeStation('Packing 3', t.dir);
    // This station publishes at once (its clips end minutes before the hub gets them): not late.
    (st as unknown as { clock: number }).clock = Date.now() - 20 * 60_000;
    const client = await enrolledClient(h.url, (await newEnrollCode(h.parts.index, h.parts.key.fingerprint)).code, st);
    st.append('genesis', null, { station: st.name, publicKey: st.publicKeyPem });
    const mp4 = makeMp4(path.join(t.dir, 'real.mp4'), 3, 'SF1500000000001');
    const a = st.clip('SF1500000000001', mp4.length, mp4);
    const b = st.clip('SF1500000000002', 50_000);
    const lost = st.append('discarded', null, { clipId: 'gone', why: 'test' });
    const c = st.clip('SF1500000000003', 50_000);
    st.append('legal-hold', b.row.clipId, { clipId: b.row.clipId, orders: [b.row.order], hold: true, who: 'sam', why: 'claim' });
    st.append('anchor', null, { head: 7, token: 'AAAA' });
    // Entry 4 never reaches the hub: a hole in the chain, near every clip of this station.
    await client.publishChain(st.chain.filter((e) => e.seq !== lost.seq));
    for (const x of [a, b, c]) await client.publishClip(publishInput(x));
    const now = Date.now();
    await h.parts.index.addHold({ station: st.fingerprint, clipId: a.row.clipId, sha256: a.sha256, held: true, reason: 'claim', at: now, by: 'sam' });
    await h.parts.index.addHold({ station: st.fingerprint, clipId: c.row.clipId, sha256: c.sha256, held: true, reason: 'claim', at: now, by: 'sam' });
    await h.parts.index.addHold({ station: st.fingerprint, clipId: c.row.clipId, sha256: c.sha256, held: false, reason: 'settled', at: now + 1, by: 'sam' });
    // Rows as a station's crash recovery and an interrupted recording write them.
    const row = { station: st.fingerprint, order: 'SF1500000000009', mode: 'shipping', operator: 'amy', durationMs: 1000, sizeBytes: 1, note: null };
    for (const [status, stopReason] of [
      ['interrupted', 'camera-lost'],
      ['recovered', 'crash'],
    ] as const) {
      await h.parts.index.addClip({
        ...row,
        clipId: `clip-${status}`,
        startedAt: now - 60_000,
        endedAt: now - 59_000,
        sha256: randomBytes(32).toString('hex'),
        status,
        stopReason,
        publishedAt: now,
      });
    }

    const cookie = await login(h, 'sam', PASSWORD);
    const find = async (q: string): Promise<{ order: string; tags: string[]; thumb: boolean; clipId: string }[]> => {
      const r = await ask(h, `/console/api/clips?${q}`, { cookie });
      expect(r.status, r.body.toString()).toBe(200);
      return r.json().clips;
    };
    const orders = async (q: string): Promise<string[]> => (await find(q)).map((x) => x.order).sort();
    expect(await orders('status=hole')).toEqual(['SF1500000000001', 'SF1500000000002', 'SF1500000000003']);
    expect(await orders('status=held')).toEqual(['SF1500000000001', 'SF1500000000002']);
    expect(await orders('status=late')).toEqual(['SF1400000000001', 'SF1400000000002', 'SF1400000000009', 'YT9000000000003']);
    expect(await orders('status=ok&station=Packing%203')).toEqual(['SF1500000000001', 'SF1500000000002', 'SF1500000000003']);
    expect((await find('status=interrupted')).map((x) => x.clipId)).toEqual(['clip-interrupted']);
    expect((await find('status=recovered')).map((x) => x.clipId)).toEqual(['clip-recovered']);
    expect(await orders('status=held&q=SF15000000000')).toEqual(['SF1500000000001', 'SF1500000000002']);
    expect((await ask(h, '/console/api/clips?status=lost', { cookie })).status).toBe(400);
    const tags = Object.fromEntries((await find('station=Packing%203')).map((x) => [x.clipId, x.tags]));
    expect(tags[a.row.clipId]).toEqual(['ok', 'held', 'hole']);
    expect(tags[b.row.clipId]).toEqual(['ok', 'held', 'hole']);
    expect(tags[c.row.clipId]).toEqual(['ok', 'hole']);
    expect(tags['clip-interrupted']).toEqual(['interrupted']);
    expect((await find('order=SF1400000000001'))[0]!.tags).toEqual(['ok', 'late']);

    // Thumbnails: made once by the hub (a real MP4 gets one, random bytes do not), then served.
    const thumbPath = (x: { row: { clipId: string } }) => `/console/api/clips/Packing%203/${x.row.clipId}/thumb`;
    expect((await ask(h, thumbPath(a), { cookie })).status).toBe(404);
    let tried = 0;
    for (let n = await h.console.thumbs.runOnce(); n > 0; n = await h.console.thumbs.runOnce()) tried += n;
    expect(tried).toBeGreaterThanOrEqual(3);
    expect(await h.console.thumbs.runOnce()).toBe(0);
    const thumb = await ask(h, thumbPath(a), { cookie });
    expect(thumb.status).toBe(200);
    expect(thumb.headers['content-type']).toBe('image/jpeg');
    expect([thumb.body[0], thumb.body[1]]).toEqual([0xff, 0xd8]);
    expect(Buffer.compare(thumb.body, await h.parts.store.read(a.sha256, 'thumb'))).toBe(0);
    expect((await ask(h, thumbPath(b), { cookie })).status).toBe(404);
    const shown = Object.fromEntries((await find('station=Packing%203')).map((x) => [x.clipId, x.thumb]));
    expect([shown[a.row.clipId], shown[b.row.clipId]]).toEqual([true, false]);
    expect((await ask(h, thumbPath(a))).status).toBe(401);
    expect((await ask(h, thumbPath(a), { cookie: await login(h, 'ada', PASSWORD) })).status).toBe(403);
    expect((await ask(h, thumbPath(a), { cookie, headers: { origin: 'http://evil.example' } })).status).toBe(403);
  });

  it('the hole filter and tag see every hole of a station with more than 500 of them, the oldest too', async () => {
    const st = new FakeStation('Packing 8', t.dir);
    const client = await enrolledClient(h.url, (await newEnrollCode(h.parts.index, h.parts.key.fingerprint)).code, st);
    st.append('genesis', null, { station: st.name, publicKey: st.publicKeyPem });
    // The oldest clip sits right before the oldest of 600 holes (every other entry never reaches the hub).
    const near = st.clip('SF1700000000101', 20_000);
    const lost = new Set<number>();
    for (let i = 0; i < 600; i++) {
      lost.add(st.append('discarded', null, { clipId: `gone-${i}`, why: 'test' }).seq);
      st.append('anchor', null, { head: st.chain.length, token: 'AAAA' });
    }
    // 60 entries held in a row: the newest clip is more than 50 entries past the newest hole.
    for (let i = 0; i < 60; i++) st.append('anchor', null, { head: st.chain.length, token: 'AAAA' });
    const far = st.clip('SF1700000000102', 20_000);
    const kept = st.chain.filter((e) => !lost.has(e.seq));
    for (let i = 0; i < kept.length; i += 500) await client.publishChain(kept.slice(i, i + 500));
    for (const c of [near, far]) await client.publishClip(publishInput(c));
    expect((await h.parts.index.findChainGaps(st.fingerprint)).length).toBe(600);

    const cookie = await login(h, 'sam', PASSWORD);
    const find = async (q: string): Promise<{ order: string; tags: string[] }[]> => {
      const r = await ask(h, `/console/api/clips?${q}`, { cookie });
      expect(r.status, r.body.toString()).toBe(200);
      return r.json().clips;
    };
    expect((await find('status=hole&station=Packing%208')).map((c) => c.order)).toEqual(['SF1700000000101']);
    expect((await find('status=hole')).map((c) => c.order)).toContain('SF1700000000101');
    expect((await find('status=hole')).map((c) => c.order)).not.toContain('SF1700000000102');
    const tags = Object.fromEntries((await find('station=Packing%208')).map((c) => [c.order, c.tags]));
    expect(tags.SF1700000000101).toContain('hole');
    expect(tags.SF1700000000102).not.toContain('hole');
  });

  it('a thumbnail that fails is tried again with back-off: made once the bytes read right, given up with its reason after the last attempt', async () => {
    const st = new FakeStation('Packing 7', t.dir);
    const client = await enrolledClient(h.url, (await newEnrollCode(h.parts.index, h.parts.key.fingerprint)).code, st);
    st.append('genesis', null, { station: st.name, publicKey: st.publicKeyPem });
    const mp4x = makeMp4(path.join(t.dir, 'x.mp4'), 2, 'SF1700000000001');
    const mp4y = makeMp4(path.join(t.dir, 'y.mp4'), 2, 'SF1700000000002');
    const x = st.clip('SF1700000000001', mp4x.length, mp4x);
    const y = st.clip('SF1700000000002', mp4y.length, mp4y);
    // Bytes that are no MP4 at all (read right): they never become one, so nothing is tried again.
    const z = st.clip('SF1700000000003', 30_000);
    await client.publishChain(st.chain);
    for (const c of [x, y, z]) await client.publishClip(publishInput(c));
    // The store hands these clips' bytes back unreadable (the MP4's first box, then zeros), as a
    // read cut short or a store answering garbage would: ffmpeg cannot make a picture of them.
    const unreadable = new Set([x.sha256, y.sha256]);
    const store = h.parts.store;
    const flaky = new Proxy(store, {
      get(target, prop) {
        if (prop === 'read')
          return async (...a: Parameters<typeof store.read>) => {
            const bytes = await target.read(...a);
            return unreadable.has(a[0]) && a[1] === 'clip' ? Buffer.concat([bytes.subarray(0, 32), Buffer.alloc(bytes.length - 32)]) : bytes;
          };
        const v: unknown = Reflect.get(target, prop, target);
        return typeof v === 'function' ? (v as (...args: unknown[]) => unknown).bind(target) : v;
      },
    });
    const maker = new ThumbMaker(h.parts.index, flaky, { maxAttempts: 3, retryBaseMs: 60_000 });
    const cookie = await login(h, 'sam', PASSWORD);
    const shown = async (): Promise<Record<string, { thumb: boolean; thumbFailed?: string }>> => {
      const r = await ask(h, '/console/api/clips?station=Packing%207', { cookie });
      expect(r.status, r.body.toString()).toBe(200);
      return Object.fromEntries((r.json().clips as { clipId: string; thumb: boolean; thumbFailed?: string }[]).map((c) => [c.clipId, c]));
    };
    const drain = async (now: number): Promise<void> => {
      for (let n = await maker.runOnce(now); n > 0; n = await maker.runOnce(now));
    };
    const t0 = Date.now();
    await drain(t0);
    let seen = await shown();
    expect([seen[x.row.clipId]!.thumb, seen[y.row.clipId]!.thumb]).toEqual([false, false]);
    expect([seen[x.row.clipId]!.thumbFailed, seen[y.row.clipId]!.thumbFailed]).toEqual([undefined, undefined]);
    expect(seen[z.row.clipId]).toMatchObject({ thumb: false, thumbFailed: expect.stringMatching(/not an MP4/) });
    const zRow = (await dialectOf(h.parts.index).all('SELECT attempts, retry_at FROM hub_thumbs WHERE sha256 = ?', [z.sha256]))[0]!;
    expect([Number(zRow.attempts), zRow.retry_at]).toEqual([1, null]);
    // Not due yet: neither is tried again at once.
    const attempts = async (sha256: string): Promise<number> =>
      Number((await dialectOf(h.parts.index).all('SELECT attempts FROM hub_thumbs WHERE sha256 = ?', [sha256]))[0]!.attempts);
    await drain(t0 + 59_000);
    expect([await attempts(x.sha256), await attempts(y.sha256)]).toEqual([1, 1]);

    // The first clip's bytes read right again: its second attempt makes the picture.
    unreadable.delete(x.sha256);
    await drain(t0 + 60_000);
    seen = await shown();
    expect(seen[x.row.clipId]).toMatchObject({ thumb: true });
    expect(seen[x.row.clipId]!.thumbFailed).toBeUndefined();
    const thumb = await ask(h, `/console/api/clips/Packing%207/${x.row.clipId}/thumb`, { cookie });
    expect(thumb.status).toBe(200);
    expect([thumb.body[0], thumb.body[1]]).toEqual([0xff, 0xd8]);
    // The second waits 4 times longer before its third (last) attempt.
    expect(seen[y.row.clipId]).toMatchObject({ thumb: false });
    expect(seen[y.row.clipId]!.thumbFailed).toBeUndefined();
    await drain(t0 + 60_000 + 239_000);
    expect((await shown())[y.row.clipId]!.thumbFailed).toBeUndefined();
    await drain(t0 + 60_000 + 240_000);
    seen = await shown();
    expect(seen[y.row.clipId]!.thumb).toBe(false);
    expect(seen[y.row.clipId]!.thumbFailed).toMatch(/thumbnail|ffmpeg|moov|Invalid/i);
    // Given up: never tried again, however long the hub runs.
    await drain(t0 + 30 * 86_400_000);
    const row = (await dialectOf(h.parts.index).all('SELECT attempts, retry_at FROM hub_thumbs WHERE sha256 = ?', [y.sha256]))[0]!;
    expect([Number(row.attempts), row.retry_at]).toEqual([3, null]);
    expect((await ask(h, `/console/api/clips/Packing%207/${y.row.clipId}/thumb`, { cookie })).status).toBe(404);
  });

  it('a thumbnail reads the head of the clip, then four times as much when the first second lies further in, never the whole clip', async () => {
    const st = new FakeStation('Packing 9', t.dir);
    const client = await enrolledClient(h.url, (await newEnrollCode(h.parts.index, h.parts.key.fingerprint)).code, st);
    st.append('genesis', null, { station: st.name, publicKey: st.publicKeyPem });
    // 3 s at 320×240: the index and the first frames fill the first few KiB, the frame at 1 s is
    // about 10 KiB in, the clip about 24 KiB.
    const mp4 = makeMp4(path.join(t.dir, 'head.mp4'), 3, 'SF1700000000201');
    const c = st.clip('SF1700000000201', mp4.length, mp4);
    await client.publishChain(st.chain);
    await client.publishClip(publishInput(c));
    const store = h.parts.store;
    const reads: string[] = [];
    const spied = new Proxy(store, {
      get(target, prop) {
        if (prop === 'read')
          return async (...a: Parameters<typeof store.read>) => {
            if (a[0] === c.sha256 && a[1] === 'clip') reads.push(a[2] ? `${a[2].start}-${a[2].end ?? ''}` : 'whole');
            return target.read(...a);
          };
        const v: unknown = Reflect.get(target, prop, target);
        return typeof v === 'function' ? (v as (...args: unknown[]) => unknown).bind(target) : v;
      },
    });
    const maker = new ThumbMaker(h.parts.index, spied, { headBytes: 4096 });
    for (let n = await maker.runOnce(); n > 0; n = await maker.runOnce());
    expect(reads).toEqual(['0-4095', '4096-16383']);
    expect(mp4.length).toBeGreaterThan(16384);
    const cookie = await login(h, 'sam', PASSWORD);
    const thumb = await ask(h, `/console/api/clips/Packing%209/${c.row.clipId}/thumb`, { cookie });
    expect(thumb.status).toBe(200);
    expect([thumb.body[0], thumb.body[1]]).toEqual([0xff, 0xd8]);
  });

  it('admin: users with their sessions, add (10+ characters), log out everywhere, remove (never the last admin); enrollment codes; stations; audit filters', async () => {
    const admin = await login(h, 'ada', PASSWORD);
    const post = (p: string, body: unknown) => ask(h, `/console/api/admin/${p}`, { cookie: admin, body });
    const users = async () => (await ask(h, '/console/api/admin/users', { cookie: admin })).json().users as { name: string; role: string; sessions: number }[];
    expect((await users()).find((u) => u.name === 'ada')!.sessions).toBeGreaterThanOrEqual(1);

    const short = await post('users/add', { name: 'nina', role: 'service', password: 'short' });
    expect([short.status, short.json().error.message]).toEqual([400, expect.stringContaining('at least 10 characters')]);
    expect((await post('users/add', { name: 'nina', role: 'root', password: PASSWORD })).status).toBe(400);
    expect((await post('users/add', { name: 'nina', role: 'service', password: PASSWORD })).status).toBe(200);
    expect((await post('users/add', { name: 'nina', role: 'viewer', password: PASSWORD })).status).toBe(409);
    expect((await users()).find((u) => u.name === 'nina')).toMatchObject({ role: 'service', sessions: 0 });
    const nina = await login(h, 'nina', PASSWORD);
    expect((await users()).find((u) => u.name === 'nina')!.sessions).toBe(1);
    expect((await post('users/logout', { name: 'nina' })).status).toBe(200);
    expect((await ask(h, '/console/api/me', { cookie: nina })).status).toBe(401);
    expect((await post('users/remove', { name: 'nina' })).status).toBe(200);
    expect((await ask(h, '/console/api/login', { body: { name: 'nina', password: PASSWORD } })).status).toBe(401);
    expect((await post('users/remove', { name: 'nina' })).status).toBe(404);
    const last = await post('users/remove', { name: 'ada' });
    expect([last.status, last.json().error.code]).toEqual([409, 'last-admin']);
    expect((await post('users/add', { name: 'x', role: 'viewer', password: PASSWORD, extra: 1 })).status).toBe(400);

    // An enrollment code made on the page enrolls a station, once.
    const made = await post('enroll-code', {});
    expect(made.status).toBe(200);
    const code = made.json() as { code: string; expiresAt: number; qrSvg: string };
    expect(code.code).toMatch(/^PWE1-[A-Z2-7]{20}-[0-9a-f]{16}$/);
    expect(code.expiresAt - h.clock.now).toBeGreaterThan(23 * 3600_000);
    expect(code.qrSvg).toMatch(/^<svg[^>]*>/);
    const st = new FakeStation('Packing 4', t.dir);
    await enrolledClient(h.url, code.code, st);
    await expect(enrolledClient(h.url, code.code, new FakeStation('Packing 5', t.dir))).rejects.toThrow();

    const stations = (await ask(h, '/console/api/admin/stations', { cookie: admin })).json().stations as {
      name: string;
      fingerprint: string;
      clips: number;
      chainEntries: number;
      lastSeen: number | null;
      anchorAt: number | null;
      anchorSeq: number | null;
    }[];
    const byName = Object.fromEntries(stations.map((s) => [s.name, s]));
    expect(byName['Packing 1']).toMatchObject({ clips: 3, chainEntries: 4, anchorAt: null });
    expect(byName['Packing 1']!.lastSeen).toBeGreaterThan(0);
    expect(byName['Packing 1']!.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(byName['Packing 3']).toMatchObject({ clips: 5, anchorSeq: 7 });
    expect(byName['Packing 3']!.anchorAt).toBeGreaterThan(0);
    expect(byName['Packing 4']).toMatchObject({ clips: 0, chainEntries: 0, lastSeen: null });

    // The audit log: filtered by time, user and action; admin changes are rows too.
    const since = (await ask(h, '/console/api/audit?action=user-add&user=ada', { cookie: admin })).json().entries as { at: number; detail: string }[];
    expect(since.map((e) => e.detail)).toContain('nina (service)');
    const atAdd = since.find((e) => e.detail === 'nina (service)')!.at;
    const inRange = (await ask(h, `/console/api/audit?user=ada&from=${atAdd}&to=${atAdd + 1}`, { cookie: admin })).json().entries as { action: string }[];
    expect(inRange.map((e) => e.action)).toContain('user-add');
    expect((await ask(h, `/console/api/audit?from=${atAdd + 3600_000 * 48}`, { cookie: admin })).json().entries).toEqual([]);
    const actions = new Set(
      ((await ask(h, '/console/api/audit?user=ada&limit=200', { cookie: admin })).json().entries as { action: string }[]).map((e) => e.action),
    );
    for (const want of ['user-add', 'user-logout', 'user-remove', 'enroll-code']) expect(actions).toContain(want);
    const csv = await ask(h, `/console/api/audit.csv?action=user-remove&from=${atAdd}`, { cookie: admin });
    expect(csv.body.toString('utf8')).toContain(',ada,admin,user-remove,');
  });
}
