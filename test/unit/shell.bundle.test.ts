// The esbuild bundles of door 1 (scripts/build-electron.mjs), checked the way Electron will load
// them: main.cjs is run (with a stub 'electron') from a folder laid out like a packaged app, opens
// its data folder, serves index.html over app://, records a clip over IPC — which needs the
// bundled engine to find better-sqlite3, fluent-ffmpeg and the ffmpeg/ffprobe binaries — and
// quits cleanly.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tmpDir } from '../helpers/tmp.ts';
import { makeWebmH264 } from '../helpers/video.ts';
import { clipPath } from '../helpers/clipPath.ts';

const root = path.resolve(import.meta.dirname, '..', '..');

describe('bundled main and preload', () => {
  let t: ReturnType<typeof tmpDir>;
  let app: string;
  beforeAll(async () => {
    t = tmpDir();
    app = path.join(t.dir, 'app');
    const { buildElectron } = (await import(path.join(root, 'scripts', 'build-electron.mjs'))) as {
      buildElectron: (o: { outDir: string }) => Promise<{ main: string; preload: string }>;
    };
    await buildElectron({ outDir: path.join(app, 'out', 'electron') });
    fs.mkdirSync(path.join(app, 'out', 'renderer'), { recursive: true });
    fs.writeFileSync(path.join(app, 'out', 'renderer', 'index.html'), '<!doctype html><title>PackWitness</title>');
    // Packaged layout: resources/app/{out,node_modules,package.json}.
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(app, 'node_modules'), 'dir');
    fs.copyFileSync(path.join(root, 'package.json'), path.join(app, 'package.json'));
  });
  afterAll(() => t.cleanup());

  it('the preload is one self-contained CommonJS file that requires nothing but electron', () => {
    const src = fs.readFileSync(path.join(app, 'out', 'electron', 'preload.cjs'), 'utf8');
    const requires = [...src.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    expect([...new Set(requires)]).toEqual(['electron']);
    expect(src).not.toMatch(/\bimport\s/);
  });

  it('main.cjs keeps native and binary packages external and has no import.meta left', () => {
    const src = fs.readFileSync(path.join(app, 'out', 'electron', 'main.cjs'), 'utf8');
    expect(src).not.toContain('import.meta');
    for (const ext of ['electron', 'better-sqlite3', 'fluent-ffmpeg']) expect(src).toContain(`require("${ext}")`);
  });

  it('runs: opens the data folder, serves the page, records a clip with the bundled ffmpeg, quits', () => {
    const webm = path.join(t.dir, 'src.webm');
    makeWebmH264(webm, 2);
    const resultFile = path.join(t.dir, 'result.json');
    const appData = path.join(t.dir, 'appdata');
    const env: NodeJS.ProcessEnv = { ...process.env, STUB_APP: app, STUB_APPDATA: appData, STUB_RESULT: resultFile, STUB_WEBM: webm };
    // The app must find its own ffmpeg, not one named by the environment.
    delete env.PACKWITNESS_FFMPEG;
    delete env.PACKWITNESS_FFPROBE;
    delete env.PACKWITNESS_DATA;
    execFileSync(process.execPath, ['-r', path.join(root, 'test', 'helpers', 'electronStub.cjs'), path.join(app, 'out', 'electron', 'main.cjs')], {
      env,
      cwd: t.dir,
      timeout: 90_000,
      stdio: 'pipe',
    });
    const r = JSON.parse(fs.readFileSync(resultFile, 'utf8'));
    expect(r.errors).toEqual([]);
    expect(r.name).toBe('PackWitness');
    expect(r.schemes[0].scheme).toBe('app');
    expect(r.windows[0].webPreferences.preload).toBe(path.join(app, 'out', 'electron', 'preload.cjs'));
    expect(r.windows[0].webPreferences.devTools).toBe(false); // packaged
    expect(r.steps[0]).toMatchObject({ page: 200 });
    expect(r.steps[0].csp).toContain("default-src 'self'");
    expect(r.steps[1]).toEqual({ start: true });
    expect(r.steps[2]).toEqual({ chunk: true });
    expect(r.steps[3].finish.durationMs).toBeGreaterThan(1800);
    const file = clipPath(path.join(appData, 'PackWitness', 'clips'), r.steps[3].finish);
    expect(file.startsWith(path.join(appData, 'PackWitness', 'clips'))).toBe(true);
    expect(r.steps[4]).toEqual({ media: 206 });
    expect(fs.existsSync(file)).toBe(true);
  });
});
