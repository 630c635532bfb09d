// A package the hub made, tampered with by hand: each of the hub's own files (hub.pem, the receipt,
// its signature, README-HUB.txt) changed or taken out. `packwitness verify` and the package's
// verify.html in Chromium both fail, naming that file; the package as made verifies.
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tmpDir } from '../helpers/tmp.ts';
import { chromiumAvailable, launchBrowser } from '../helpers/station.ts';
import { BIN, FakeStation, embeddedBackend, enrolledClient, publishInput } from './hubFixture.ts';
import { ask, login, makeMp4, startConsoleHub, type ConsoleHub } from './consoleFixture.ts';
import { newEnrollCode } from '../../electron/hub/server/identity.ts';
import type { ConsoleExport } from '../../shared/consoleWire.ts';

const PASSWORD = 'correct horse battery';
const HUB_FILES = ['hub.pem', 'hub-receipt.json', 'hub-receipt.json.sig', 'README-HUB.txt'] as const;

/** How each hub file is changed: another key, another hub name, a flipped byte, one more line. */
function changed(name: (typeof HUB_FILES)[number], bytes: Buffer): Buffer {
  if (name === 'hub.pem') return Buffer.from(generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }) as string);
  if (name === 'hub-receipt.json') return Buffer.from(bytes.toString('utf8').replace('"Test hub"', '"Test hut"'));
  if (name === 'hub-receipt.json.sig') return Buffer.from(bytes.map((b, i) => (i === 5 ? b ^ 1 : b)));
  return Buffer.concat([bytes, Buffer.from('Also made on another day.\n')]);
}

describe('a hub package with one of the hub files changed or missing', () => {
  let h: ConsoleHub;
  let t: ReturnType<typeof tmpDir>;
  let unpacked: string;
  const variants: { label: string; file: string; dir: string }[] = [];

  beforeAll(async () => {
    t = tmpDir('pw-console-tamper-');
    h = await startConsoleHub(embeddedBackend());
    const st = new FakeStation('Packing 7', t.dir);
    const mp4 = makeMp4(path.join(t.dir, 'a.mp4'), 30, 'SF1700000000701');
    const client = await enrolledClient(h.url, (await newEnrollCode(h.parts.index, h.parts.key.fingerprint)).code, st);
    st.append('genesis', null, { station: st.name, publicKey: st.publicKeyPem });
    const clip = st.clip('SF1700000000701', mp4.length, mp4);
    await client.publishChain(st.chain);
    await client.publishClip(publishInput(clip));
    await h.console.accounts.addUser('sam', 'service', PASSWORD);
    const cookie = await login(h, 'sam', PASSWORD);
    const start = await ask(h, `/console/api/clips/${encodeURIComponent(st.name)}/${clip.row.clipId}/export`, { cookie, body: { preset: 'original' } });
    expect(start.status, start.body.toString()).toBe(202);
    let v = start.json() as ConsoleExport;
    while (v.state === 'queued' || v.state === 'running') {
      await new Promise((r) => setTimeout(r, 100));
      v = (await ask(h, `/console/api/exports/${v.id}`, { cookie })).json() as ConsoleExport;
    }
    expect(v.state, v.error ?? '').toBe('done');
    const zip = path.join(t.dir, v.zipName!);
    fs.writeFileSync(zip, (await ask(h, `/console/api/exports/${v.id}/zip`, { cookie })).body);
    unpacked = path.join(t.dir, 'package');
    spawnSync('python3', ['-c', 'import sys,zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])', zip, unpacked]);
    for (const name of HUB_FILES) {
      for (const how of ['changed', 'missing'] as const) {
        const dir = path.join(t.dir, `${name}-${how}`);
        fs.cpSync(unpacked, dir, { recursive: true });
        if (how === 'missing') fs.rmSync(path.join(dir, name));
        else fs.writeFileSync(path.join(dir, name), changed(name, fs.readFileSync(path.join(dir, name))));
        variants.push({ label: `${name} ${how}`, file: name, dir });
      }
    }
  }, 180_000);
  afterAll(async () => {
    await h?.close().catch(() => {});
    t?.cleanup();
  });

  it('`packwitness verify` fails on each, naming the hub file; the package as made verifies', () => {
    const data = tmpDir('pw-console-tamper-verify-');
    try {
      const run = (dir: string) => spawnSync(process.execPath, [BIN, 'verify', dir, '--data', data.dir], { encoding: 'utf8', timeout: 120_000 });
      const good = run(unpacked);
      expect(good.status, good.stdout + good.stderr).toBe(0);
      // Every hub file is listed in the signed manifest.
      const manifest = JSON.parse(fs.readFileSync(path.join(unpacked, 'export-manifest.json'), 'utf8')) as { files: Record<string, unknown> };
      for (const name of HUB_FILES) expect(Object.keys(manifest.files)).toContain(name);
      for (const v of variants) {
        const r = run(v.dir);
        expect(`${v.label}: ${r.status}`, r.stdout).toBe(`${v.label}: 1`);
        expect(r.stdout).toMatch(/^NOT VERIFIED/);
        const fails = r.stdout.split('\n').filter((l) => l.includes('[FAIL]'));
        expect(
          fails.some((l) => l.includes(v.file)),
          `${v.label}:\n${r.stdout}`,
        ).toBe(true);
      }
    } finally {
      data.cleanup();
    }
  }, 300_000);

  it.skipIf(!chromiumAvailable())(
    "the package's verify.html in Chromium fails on each, naming the hub file",
    async () => {
      const browser = await launchBrowser();
      try {
        const page = await (await browser.browser.newContext()).newPage();
        for (const v of [{ label: 'as made', file: '', dir: unpacked }, ...variants]) {
          // The page of the untouched package: a page given with a changed package must not be trusted.
          await page.goto(pathToFileURL(path.join(unpacked, 'verify.html')).href);
          const files = fs.readdirSync(v.dir).map((n) => path.join(v.dir, n));
          await page.setInputFiles('#files', files);
          await page.waitForFunction(() => ['ok', 'fail'].includes(document.getElementById('result')?.dataset.status ?? ''), undefined, { timeout: 120_000 });
          const status = await page.getAttribute('#result', 'data-status');
          const fails = await page.$$eval('#log li.fail', (els) => els.map((e) => e.textContent ?? ''));
          if (!v.file) {
            expect(status, fails.join('\n')).toBe('ok');
            continue;
          }
          expect(`${v.label}: ${status}`).toBe(`${v.label}: fail`);
          expect(
            fails.some((l) => l.includes(v.file)),
            `${v.label}:\n${fails.join('\n')}`,
          ).toBe(true);
        }
      } finally {
        await browser.close();
      }
    },
    300_000,
  );
});
