import { describe, expect, it } from 'vitest';
import { ALL_CARRIER_IDS, CARRIER_PATTERNS, classifyCode, DEFAULT_CODE_RULES, gs1CheckDigitOk } from '../../shared/codePatterns.ts';
import { defaultStationSettings } from '../../shared/contract/station.ts';
import { decideScan, type MachineState } from '../../shared/stationMachine.ts';

const idle: MachineState = { phase: 'idle', order: null, startedAt: null, mode: 'shipping', operator: null };

describe('tracking numbers packers actually scan', () => {
  it.each([
    ['Shopee Xpress', 'SPXID045123456789'],
    ['Shopee Xpress (Vietnam)', 'SPXVN031234567890'],
    ['Amazon Logistics', 'TBA301234567890'],
    ['Amazon Logistics (Canada)', 'TBC301234567890'],
    ['Lazada', 'LEXPU0123456789'],
    ['Lazada', 'LZDCB0123456789'],
    ['Ninja Van', 'NVSGSHOPE000123456'],
    ['Flash Express', 'TH0112345678A'],
    ['Kerry Express', 'KERDS123456789'],
    ['Best Express', 'BEST12345678901'],
    ['Cainiao', 'LP00123456789012'],
    ['Australia Post', 'RA123456789AU'],
    ['Australia Post', '33ABC1234567'],
    ['Royal Mail', 'TT123456785GB'],
    ['USPS', '9400111899223456789012'],
    ['USPS with ZIP prefix', '420902109400111899223456789012'],
    ['Canada Post', '7023210039414604'],
    ['India Post', 'EE123456789IN'],
    ['J&T Indonesia', 'JP1234567890'],
    ['J&T Philippines', 'JX1234567890'],
  ])('%s number %s is recorded without a warning', (_c, code) => {
    expect(decideScan(idle, code, 0)).toEqual({ kind: 'start', order: code });
  });

  it('still refuses product barcodes by default: no default-on pattern matches a valid EAN-13, EAN-8 or UPC-A that no older carrier already claimed', () => {
    for (const ean of ['4006381333931', '6901234567892', '96385074', '036000291452']) {
      expect(gs1CheckDigitOk(ean)).toBe(true);
      const { cls } = classifyCode(ean, DEFAULT_CODE_RULES);
      if (cls.kind === 'carrier') expect(['ZTO 中通', 'FedEx', 'STO 申通', 'Yunda 韵达', 'EMS / China Post', 'DHL']).toContain(cls.carrier);
    }
    expect(classifyCode('4006381333931', DEFAULT_CODE_RULES).cls).toEqual({ kind: 'product', product: 'EAN-13' });
  });

  it('Delhivery (plain 13-14 digits, like EAN-13) is offered but off until a site turns it on', () => {
    expect(ALL_CARRIER_IDS).toContain('delhivery');
    expect(defaultStationSettings().carrierPatterns).not.toContain('delhivery');
    expect(defaultStationSettings().carrierPatterns).toContain('spx');
    const on = { ...DEFAULT_CODE_RULES, carriers: [...DEFAULT_CODE_RULES.carriers, 'delhivery'] };
    expect(classifyCode('9212345678901', on).cls).toEqual({ kind: 'carrier', carrier: 'Delhivery' });
  });

  it('every pattern has a unique id and a name', () => {
    expect(new Set(ALL_CARRIER_IDS).size).toBe(CARRIER_PATTERNS.length);
    for (const p of CARRIER_PATTERNS) expect(p.name.length).toBeGreaterThan(2);
  });
});

describe('stations that saved their carrier list before these carriers existed', () => {
  it('get the new carriers switched on once, and keep what they switched off', async () => {
    const { default: Database } = await import('better-sqlite3');
    const { migrations } = await import('../../electron/engine/migrations.ts');
    const { CARRIERS_ADDED_LATER } = await import('../../shared/codePatterns.ts');
    const db = new Database(':memory:');
    for (const m of migrations.filter((m) => m.version < 4)) db.exec(m.sql);
    db.prepare('INSERT INTO settings (key, value) VALUES (?, ?)').run('carrierPatterns', JSON.stringify(['sf', 'ups']));
    const m4 = migrations.find((m) => m.version === 4)!;
    db.exec(m4.sql);
    db.exec(m4.sql); // applied twice by mistake: still no duplicates
    const list = JSON.parse((db.prepare("SELECT value FROM settings WHERE key = 'carrierPatterns'").get() as { value: string }).value) as string[];
    expect(list).toEqual(['sf', 'ups', ...CARRIERS_ADDED_LATER]);
    expect(list).not.toContain('delhivery');
    expect(list).not.toContain('zto'); // switched off by the site: stays off
    db.close();
  });
});
