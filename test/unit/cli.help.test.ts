import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HELP } from '../../electron/cli/help.ts';
import { displayWidth } from '../../electron/cli/common.ts';
import { Engine } from '../../electron/engine/engine.ts';
import { PRESETS } from '../../electron/engine/export/presets.ts';
import { tmpDir } from '../helpers/tmp.ts';

const root = path.resolve(import.meta.dirname, '..', '..');

function cli(...args: string[]): { status: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [path.join(root, 'bin', 'packwitness.mjs'), ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

describe('packwitness --help, --version and exit codes', () => {
  it('gives every command a help page that explains every flag of its usage line', () => {
    const top = cli('--help');
    expect(top.status).toBe(0);
    for (const name of Object.keys(HELP)) {
      const r = cli(name, '--help');
      expect(r.status, name).toBe(0);
      const usage = r.out.split('\n')[0]!;
      expect(usage).toContain(`packwitness ${name}`);
      const flags = new Set(usage.match(/--[a-z][a-z-]*/g) ?? []);
      for (const flag of flags) {
        if (flag === '--help') continue;
        const line = r.out.split('\n').find((l) => l.trimStart().startsWith(flag));
        expect(line, `${name} ${flag}`).toBeDefined();
        // A sentence, not just the flag repeated.
        expect(line!.replace(flag, '').trim().length, `${name} ${flag}`).toBeGreaterThan(15);
      }
      expect(r.out).toContain('Exit codes');
    }
  });

  it('prints the version from package.json', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
    const r = cli('--version');
    expect(r.status).toBe(0);
    expect(r.out.trim()).toBe(`packwitness ${pkg.version}`);
  });

  it('says no clip was found for an unknown order and exits 1; a mistyped flag is a usage mistake (2)', () => {
    const { dir: data, cleanup } = tmpDir('pw-cli-');
    const none = cli('clips', '--order', 'NOPE', '--data', data);
    expect(none.status).toBe(1);
    expect(none.out).toContain('No clip was found for order NOPE');
    const typo = cli('clips', '--ordr', 'X', '--data', data);
    expect(typo.status).toBe(2);
    expect(typo.err).toMatch(/--ordr/);
    cleanup();
  });
});

describe('packwitness export usage mistakes', () => {
  it('a mistyped preset is a usage mistake (exit 2) naming the way to list them', () => {
    const { dir: data, cleanup } = tmpDir('pw-cli-');
    const r = cli('export', '--order', 'SF1400123456789', '--preset', 'shopy', '--data', data);
    expect(r.status).toBe(2);
    expect(r.err).toContain('Unknown preset "shopy"');
    expect(r.err).toContain('--presets');
    cleanup();
  });
});

describe('packwitness export --presets', () => {
  // Columns as a terminal shows them: Chinese characters take two.
  const columnStarts = (line: string): number[] => {
    const cells = line.split(/ {2,}/);
    const starts: number[] = [];
    let at = 0;
    for (const cell of cells.slice(0, 3)) {
      starts.push(displayWidth(line.slice(0, line.indexOf(cell, at))));
      at = line.indexOf(cell, at) + cell.length;
    }
    return starts;
  };

  it('prints every preset with its worded name, in columns that stay aligned with Chinese names', () => {
    const { dir: data, cleanup } = tmpDir('pw-cli-');
    const zh = cli('export', '--presets', '--lang', 'zh-CN', '--data', data);
    expect(zh.status).toBe(0);
    const lines = zh.out.trimEnd().split('\n');
    expect(lines).toHaveLength(PRESETS.length);
    expect(zh.out).toContain('原始文件（不重新编码）');
    expect(zh.out).toContain('不限时长');
    const first = columnStarts(lines[0]!);
    for (const l of lines) expect(columnStarts(l), l).toEqual(first);
    const english = cli('export', '--presets', '--lang', 'en', '--data', data);
    expect(english.out).toContain('Original (no re-encode)');
    expect(english.out).not.toMatch(/原始文件|不限/);
    const bad = cli('export', '--presets', '--lang', 'fr', '--data', data);
    expect(bad.status).toBe(2);
    cleanup();
  });

  it("follows the station's language setting when --lang is not given", async () => {
    const { dir: data, cleanup } = tmpDir('pw-cli-');
    const engine = await Engine.open({ dataDir: data, timestampWorker: false });
    await engine.call('settings.update', { language: 'zh-CN' }, { door: 'cli' });
    await engine.close();
    const r = cli('export', '--presets', '--data', data);
    expect(r.status).toBe(0);
    expect(r.out).toContain('通用 100 MB');
    cleanup();
  });
});
