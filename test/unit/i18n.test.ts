// Every string the UI shows exists in both languages: the same keys, the same {{placeholders}}.
import { describe, expect, it } from 'vitest';
import { en } from '../../renderer/src/i18n/en.ts';
import { zhCN } from '../../renderer/src/i18n/zh-CN.ts';
import { PACKAGE_WORDS } from '../../shared/evidence/packageWords.ts';

type Tree = { [k: string]: string | Tree };

function flatten(t: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(t)) {
    if (typeof v === 'string') out.set(prefix + k, v);
    else for (const [kk, vv] of flatten(v, `${prefix}${k}.`)) out.set(kk, vv);
  }
  return out;
}

const placeholders = (s: string) => [...s.matchAll(/\{\{\s*(\w+)/g)].map((m) => m[1]).sort();

describe('translations', () => {
  const a = flatten(en as unknown as Tree);
  const b = flatten(zhCN as unknown as Tree);

  it('en and zh-CN have exactly the same keys', () => {
    expect([...b.keys()].filter((k) => !a.has(k))).toEqual([]);
    expect([...a.keys()].filter((k) => !b.has(k))).toEqual([]);
    expect(a.size).toBeGreaterThan(150);
  });

  it('every zh-CN string is translated and keeps the placeholders', () => {
    for (const [k, v] of a) {
      const z = b.get(k)!;
      expect(z.trim(), k).not.toBe('');
      expect(placeholders(z), k).toEqual(placeholders(v));
    }
  });

  it('uses every key the station code asks for', async () => {
    const fs = await import('node:fs');
    const path = await import('node:path');
    const root = path.resolve(import.meta.dirname, '../../');
    const files = ['shared/stationMachine.ts', 'renderer/src/station/StationController.ts'];
    for (const f of files) {
      const src = fs.readFileSync(path.join(root, f), 'utf8');
      for (const m of src.matchAll(/key: '([a-zA-Z]+\.[a-zA-Z.]+)'/g)) expect(a.has(m[1]!), `${f}: ${m[1]}`).toBe(true);
    }
  });
});

// The package check's lines (verify.html and `packwitness verify PACKAGE`) have their own table, bundled into verify.html.
describe('package check lines', () => {
  it('every code has Chinese text with the same placeholders as its English', () => {
    const codes = Object.entries(PACKAGE_WORDS) as [string, Record<string, string>][];
    expect(codes.length).toBeGreaterThan(15);
    for (const [code, w] of codes) {
      expect(w['zh-CN']!.trim(), code).not.toBe('');
      expect(w['zh-CN'], code).toMatch(/[\u4e00-\u9fff]/);
      expect(placeholders(w['zh-CN']!), code).toEqual(placeholders(w.en!));
    }
  });
});
