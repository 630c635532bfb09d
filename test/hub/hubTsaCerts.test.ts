// The TSA certificates hub.json names (`tsaCerts`) as the hub reads them at start: a file or a
// folder of PEM/DER certificates; a missing file or one that holds no certificate is said in a
// line naming it, and the certificates that could be read are kept.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hubTsaCerts } from '../../electron/hub/console/verify.ts';
import { tmpDir } from '../helpers/tmp.ts';

const FIX = path.join(import.meta.dirname, '..', 'fixtures', 'tsa');
const CHAIN = path.join(FIX, 'sigstage', 'ts_chain.pem');

describe('hub tsaCerts', () => {
  let t: ReturnType<typeof tmpDir> | undefined;
  afterEach(() => t?.cleanup());

  it('none named: none trusted, nothing said', () => {
    const lines: string[] = [];
    expect(hubTsaCerts(null, (l) => lines.push(l))).toEqual([]);
    expect(hubTsaCerts(undefined, (l) => lines.push(l))).toEqual([]);
    expect(lines).toEqual([]);
  });

  it('a PEM file and a folder holding it give the same certificates', () => {
    t = tmpDir('pw-hub-tsacerts-');
    const fromFile = hubTsaCerts(CHAIN);
    expect(fromFile.length).toBeGreaterThan(0);
    fs.copyFileSync(CHAIN, path.join(t.dir, 'chain.pem'));
    const fromFolder = hubTsaCerts(t.dir);
    expect(fromFolder.map((c) => c.serial)).toEqual(fromFile.map((c) => c.serial));
  });

  it('a missing file, or a file with no certificate, is said by name; the readable ones are kept', () => {
    t = tmpDir('pw-hub-tsacerts-');
    const lines: string[] = [];
    const missing = path.join(t.dir, 'nowhere.pem');
    expect(hubTsaCerts(missing, (l) => lines.push(l))).toEqual([]);
    expect(lines.join('\n')).toContain(missing);

    fs.copyFileSync(CHAIN, path.join(t.dir, 'chain.pem'));
    const junk = path.join(t.dir, 'notes.txt');
    fs.writeFileSync(junk, 'not a certificate\n');
    lines.length = 0;
    const kept = hubTsaCerts(t.dir, (l) => lines.push(l));
    expect(kept.map((c) => c.serial)).toEqual(hubTsaCerts(CHAIN).map((c) => c.serial));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(junk);
  });
});
