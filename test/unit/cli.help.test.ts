import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HELP } from '../../electron/cli/help.ts';
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
