// Export on the hub from the console: one suite, run on the embedded hub
// (console.export.embedded.test.ts) and on PostgreSQL + S3 (console.export.pgs3.test.ts). The
// station is never asked (it may be switched off): the hub makes the package from the clip it
// stores; `packwitness verify PACKAGE` accepts it and names the hub; a viewer may not export.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { pathToFileURL } from 'node:url';
import { tmpDir } from '../helpers/tmp.ts';
import { chromiumAvailable, launchBrowser } from '../helpers/station.ts';
import { ffmpegBin } from '../helpers/video.ts';
import { BIN, FakeStation, enrolledClient, publishInput, type Backend, type FakeClip } from './hubFixture.ts';
import { ask, login, startConsoleHub, type ConsoleHub } from './consoleFixture.ts';
import { newEnrollCode } from '../../electron/hub/server/identity.ts';
import type { ConsoleExport } from '../../shared/consoleWire.ts';

const PASSWORD = 'correct horse battery';

/** 30 s, as long as the fake station's clip row says (the evidence sheet takes frames across it). */
function makeMp4(file: string, title: string): Buffer {
  execFileSync(ffmpegBin(), [
    ...['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=10:duration=30'],
    ...['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-g', '10', '-movflags', '+faststart', '-metadata', `title=${title}`, file],
  ]);
  return fs.readFileSync(file);
}

/** Follows an export until it ends (no time limit of its own: the test's timeout is the bound). */
async function finished(h: ConsoleHub, cookie: string, id: string, seen: ConsoleExport[] = []): Promise<ConsoleExport> {
  for (;;) {
    const a = await ask(h, `/console/api/exports/${id}`, { cookie });
    expect(a.status, a.body.toString()).toBe(200);
    const v = a.json() as ConsoleExport;
    seen.push(v);
    if (v.state !== 'queued' && v.state !== 'running') return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function consoleExportSuite(makeBackend: () => Promise<Backend>): void {
  let b: Backend;
  let h: ConsoleHub;
  let t: ReturnType<typeof tmpDir>;
  let st: FakeStation;
  let clip: FakeClip;
  const exportPath = (c: FakeClip): string => `/console/api/clips/${encodeURIComponent(st.name)}/${c.row.clipId}/export`;

  beforeAll(async () => {
    b = await makeBackend();
    t = tmpDir('pw-console-export-');
    h = await startConsoleHub(b);
    st = new FakeStation('Packing 3', t.dir);
    const client = await enrolledClient(h.url, (await newEnrollCode(h.parts.index, h.parts.key.fingerprint)).code, st);
    st.append('genesis', null, { station: st.name, publicKey: st.publicKeyPem });
    const mp4 = makeMp4(path.join(t.dir, 'a.mp4'), 'SF1700000000077');
    clip = st.clip('SF1700000000077', mp4.length, mp4);
    await client.publishChain(st.chain);
    await client.publishClip(publishInput(clip));
    // The station is gone from here on: only the hub has the clip.
    fs.rmSync(clip.file);
    await h.console.accounts.addUser('sam', 'service', PASSWORD);
    await h.console.accounts.addUser('vic', 'viewer', PASSWORD);
  }, 120_000);
  afterAll(async () => {
    await h?.close().catch(() => {});
    await b?.cleanup();
    t?.cleanup();
  });

  for (const [preset, form, kind] of [
    ['shopee', null, /\.mp4$/],
    ['ebay', 'stills', /\.jpg$/],
  ] as const) {
    it(`exports ${preset}${form ? ` ${form}` : ''} of a clip whose station is off; the ZIP verifies with \`packwitness verify\` and names the hub`, async () => {
      const cookie = await login(h, 'sam', PASSWORD);
      const start = await ask(h, exportPath(clip), { cookie, body: { preset, ...(form ? { form } : {}) } });
      expect(start.status, start.body.toString()).toBe(202);
      const seen: ConsoleExport[] = [];
      const done = await finished(h, cookie, (start.json() as ConsoleExport).id, seen);
      expect(done.error).toBeNull();
      expect(done.state).toBe('done');
      expect(done.progress).toBe(1);
      const zip = await ask(h, `/console/api/exports/${done.id}/zip`, { cookie });
      expect(zip.status).toBe(200);
      expect(zip.headers['content-type']).toBe('application/zip');
      expect(zip.headers['content-disposition']).toContain(done.zipName!);
      const file = path.join(t.dir, done.zipName!);
      fs.writeFileSync(file, zip.body);
      const listing = spawnSync('python3', ['-c', 'import sys,zipfile; print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))', file], {
        encoding: 'utf8',
      });
      const names = listing.stdout.trim().split('\n');
      expect(names).toEqual(expect.arrayContaining(['export-manifest.json', 'station.pem', 'hub.pem', 'hub-receipt.json', 'README-HUB.txt', 'verify.html']));
      expect(names.some((n) => kind.test(n))).toBe(true);

      const data = tmpDir('pw-console-export-verify-');
      try {
        const v = spawnSync(process.execPath, [BIN, 'verify', file, '--data', data.dir], { encoding: 'utf8', timeout: 120_000 });
        expect(v.status, v.stdout + v.stderr).toBe(0);
        expect(v.stdout).toContain('VERIFIED: the export manifest is signed by the warehouse hub "Test hub"');
        expect(v.stdout).toMatch(/hub-receipt\.json: the hub "Test hub" received clip/);
        expect(v.stdout).not.toContain('FAIL');
      } finally {
        data.cleanup();
      }
      // The package's own verify.html, in Chromium, given the ZIP: the same verdict, naming the hub.
      if (chromiumAvailable()) {
        const unpacked = path.join(t.dir, `${preset}-unpacked`);
        spawnSync('python3', ['-c', 'import sys,zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])', file, unpacked]);
        const browser = await launchBrowser();
        try {
          const page = await (await browser.browser.newContext()).newPage();
          await page.goto(pathToFileURL(path.join(unpacked, 'verify.html')).href);
          await page.setInputFiles('#files', file);
          await page.waitForFunction(() => ['ok', 'fail'].includes(document.getElementById('result')?.dataset.status ?? ''), undefined, { timeout: 120_000 });
          const log = (await page.textContent('#log')) ?? '';
          expect(await page.getAttribute('#result', 'data-status'), log).toBe('ok');
          expect(await page.textContent('#result')).toContain('signed by the warehouse hub "Test hub"');
          expect(log).toContain('hub-receipt.json: the hub "Test hub" received clip');
        } finally {
          await browser.close();
        }
      }
      const audit = (await ask(h, '/console/api/audit?action=export', { cookie: await login(h, 'sam', PASSWORD) })).status;
      expect(audit).toBe(403); // the audit is the admin's; the export row is checked below through the index
      const rows = await h.console.audit.list({ action: 'export' });
      expect(rows[0]).toMatchObject({ user: 'sam', clipId: clip.row.clipId });
      expect(rows[0]!.detail).toContain(preset);
    }, 240_000);
  }

  it('cancel: a queued or running export ends as cancelled and has no ZIP', async () => {
    const cookie = await login(h, 'sam', PASSWORD);
    const a = (await ask(h, exportPath(clip), { cookie, body: { preset: 'generic-100' } })).json() as ConsoleExport;
    const c = await ask(h, `/console/api/exports/${a.id}/cancel`, { cookie, body: {} });
    expect(c.status).toBe(200);
    const end = await finished(h, cookie, a.id);
    expect(end.state).toBe('cancelled');
    expect((await ask(h, `/console/api/exports/${a.id}/zip`, { cookie })).status).toBe(409);
  }, 120_000);

  it('a viewer gets 403 for export, its progress, cancel and ZIP; an unknown preset is refused', async () => {
    const vic = await login(h, 'vic', PASSWORD);
    const sam = await login(h, 'sam', PASSWORD);
    expect((await ask(h, exportPath(clip), { cookie: sam, body: { preset: 'nope' } })).status).toBe(400);
    const id = '0123456789abcdef';
    for (const [p, body] of [
      [exportPath(clip), { preset: 'ebay', form: 'stills' }],
      [`/console/api/exports/${id}`, undefined],
      [`/console/api/exports/${id}/cancel`, {}],
      [`/console/api/exports/${id}/zip`, undefined],
    ] as const) {
      const a = await ask(h, p, { cookie: vic, ...(body ? { body } : {}) });
      expect(`${p} ${a.status}`).toBe(`${p} 403`);
    }
  });
}
