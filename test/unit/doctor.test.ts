import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../electron/engine/engine.ts';
import { ctx, recordClip, startAndUpload } from '../helpers/record.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { makeWebmH264 } from '../helpers/video.ts';
import { clipPath } from '../helpers/clipPath.ts';

const root = path.join(import.meta.dirname, '..', '..');
function doctorCli(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(root, 'bin', 'packwitness.mjs'), 'doctor', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout + r.stderr };
}

describe('start-up check and packwitness doctor', () => {
  let t: ReturnType<typeof tmpDir>;
  let webm: string;
  beforeAll(() => {
    t = tmpDir('pw-doctor-');
    webm = path.join(t.dir, 'src.webm');
    makeWebmH264(webm, 2);
  });
  afterAll(() => t.cleanup());

  it('says everything is in order on a healthy station (exit 0)', async () => {
    const dataDir = path.join(t.dir, 'healthy');
    const engine = await Engine.open({ dataDir });
    await recordClip(engine, 'FINE-1', webm);
    const h = await engine.call('station.health', {}, ctx);
    expect(h.ok).toBe(true);
    expect(h.space!.reserveBytes).toBeGreaterThan(0);
    await engine.close();
    const r = doctorCli('--data', dataDir);
    expect(r.out).toContain('Everything is in order.');
    expect(r.code).toBe(0);
  });

  it('finds missing files, unindexed files and unfinished recordings, and adopts what it can', async () => {
    const dataDir = path.join(t.dir, 'sick');
    const engine = await Engine.open({ dataDir });
    const gone = (await recordClip(engine, 'GONE-1', webm)).clip!;
    const kept = (await recordClip(engine, 'KEPT-1', webm)).clip!;
    // A clip file deleted behind PackWitness's back, and one copied in from another station's backup.
    fs.rmSync(clipPath(engine, gone));
    const stray = path.join(path.dirname(clipPath(engine, kept)), 'STRAY-9_101500_mabc123-0123456789ab.mp4');
    fs.copyFileSync(clipPath(engine, kept), stray);
    // It came with the seal files of its first life: they must survive the adoption.
    fs.copyFileSync(clipPath(engine, kept).replace(/\.mp4$/, '.manifest.json'), stray.replace(/\.mp4$/, '.manifest.json'));
    fs.writeFileSync(path.join(path.dirname(clipPath(engine, kept)), 'BROKEN-1_101500_mabc124-0123456789ab.mp4'), 'not a video');
    // A recording in progress when the process died.
    await startAndUpload(engine, 'OPEN-1', webm);
    engine.db.close(); // as kill -9 leaves it: the index, the partial file, and a pid file of a dead process
    fs.writeFileSync(path.join(dataDir, 'station.pid'), `${spawnSync('true').pid}\n`);

    const r = doctorCli('--data', dataDir);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/PROBLEM +1 clip\(s\) in the index have no file on disk/);
    expect(r.out).toContain(`GONE-1 (clip ${gone.id})`);
    expect(r.out).toMatch(/PROBLEM +2 clip file\(s\) on disk are not in the index/);
    expect(r.out).toContain('STRAY-9_101500_mabc123-0123456789ab.mp4');
    expect(r.out).toMatch(/PROBLEM +1 recording\(s\) were not finished/);
    expect(r.out).toContain('OPEN-1');
    expect(r.out).toMatch(/3 problem\(s\) found/);
    // Reading changed nothing: the recording is still open, nothing adopted.
    const again = doctorCli('--data', dataDir, '--json');
    const h = JSON.parse(again.out.slice(again.out.indexOf('{'))) as { ok: boolean; checks: { id: string; level: string }[] };
    expect(h.ok).toBe(false);
    expect(h.checks.find((c) => c.id === 'unfinished')!.level).toBe('problem');

    const adopt = doctorCli('--data', dataDir, '--adopt');
    expect(adopt.out).toMatch(/adopted +\d{4}-\d\d-\d\d\/STRAY-9_101500_mabc123-0123456789ab\.mp4 as clip mabc123-0123456789ab of STRAY-9/);
    expect(adopt.out).toMatch(/PROBLEM +\d{4}-\d\d-\d\d\/BROKEN-1_.*could not be adopted/);
    expect(adopt.code).toBe(1); // the missing file and the broken one remain

    const reopened = await Engine.open({ dataDir });
    try {
      const stray9 = await reopened.call('clips.get', { id: 'mabc123-0123456789ab' }, ctx);
      expect(stray9.status).toBe('recovered');
      expect(stray9.note).toMatch(/^Adopted on/);
      expect(stray9.sha256).toBe(kept.sha256);
      expect(stray9.note).toContain('Seal files found next to it were kept as STRAY-9_101500_mabc123-0123456789ab.manifest.json.before-adoption');
      expect(fs.readFileSync(`${stray.replace(/\.mp4$/, '.manifest.json')}.before-adoption`, 'utf8')).toContain(kept.id); // the old seal, untouched
      // Sealed as it is now: its own chain entry and seal files, so verify accounts for it and says how it came.
      const manifest = JSON.parse(fs.readFileSync(stray.replace(/\.mp4$/, '.manifest.json'), 'utf8')) as { clipId: string; stopReason: string; sha256: string };
      expect(manifest).toMatchObject({ clipId: 'mabc123-0123456789ab', stopReason: 'adopted', sha256: kept.sha256 });
      const answer = await reopened.call('evidence.verifyHash', { sha256: kept.sha256!, name: path.basename(stray) }, ctx);
      // The newest clip with that hash is the adopted one (the same bytes as KEPT-1).
      expect(answer.headline).toContain('the clip of order STRAY-9');
      expect(answer.headline).toContain('adopted: found on disk without an index row and sealed only then');
      const all = await reopened.call('evidence.verifyAll', {}, ctx);
      expect(all.problems.filter((p) => p.clipId === 'mabc123-0123456789ab')).toEqual([]);
      const open = await reopened.call('clips.search', { q: 'OPEN-1' }, ctx);
      expect(open.clips[0]!.status).toBe('recovered'); // recovered by the engine start of --adopt
      const health = await reopened.call('station.health', {}, ctx);
      expect(health.checks.find((c) => c.id === 'missing-files')!.level).toBe('problem');
      expect(health.checks.find((c) => c.id === 'unfinished')!.level).toBe('ok');
    } finally {
      await reopened.close();
    }
  });

  it('reports a missing clips folder instead of failing', async () => {
    const dataDir = path.join(t.dir, 'unplugged');
    const clipsDir = path.join(t.dir, 'usb-disk', 'clips');
    const engine = await Engine.open({ dataDir, clipsDir });
    await recordClip(engine, 'USB-1', webm);
    await engine.close();
    fs.rmSync(path.join(t.dir, 'usb-disk'), { recursive: true });
    const r = doctorCli('--data', dataDir); // no --clips: the folder the station last used
    expect(r.code).toBe(1);
    expect(r.out).toContain(`The clips folder ${clipsDir} is missing: is its disk unplugged?`);
    expect(fs.existsSync(clipsDir)).toBe(false);
    // The clips are gone for good: a person says so, and the station starts an empty folder.
    await expect(Engine.open({ dataDir, clipsDir })).rejects.toThrow(/doctor --init-clips/);
    const init = doctorCli('--data', dataDir, '--init-clips');
    expect(init.code).toBe(0);
    expect(init.out).toContain(`The clips folder ${clipsDir} is now this station's (empty) clips folder`);
    const fresh = await Engine.open({ dataDir, clipsDir });
    await recordClip(fresh, 'USB-2', webm);
    await fresh.close();
    const after = doctorCli('--data', dataDir);
    expect(after.out).toMatch(/PROBLEM +1 clip\(s\) in the index have no file on disk/);
    expect(after.out).toContain('USB-1');
  });

  it('says so when there is no index at all', () => {
    const r = doctorCli('--data', path.join(t.dir, 'nothing-here'));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/there is no PackWitness index/);
  });
});
