// Every string the UI shows exists in both languages: the same keys, the same {{placeholders}}.
import { describe, expect, it } from 'vitest';
import { en } from '../../renderer/src/i18n/en.ts';
import { zhCN } from '../../renderer/src/i18n/zh-CN.ts';

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
