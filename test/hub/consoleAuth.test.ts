// The console's pure parts: password hashes, the lock-out back-off, Range parsing, audit CSV.
import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../electron/hub/auth/passwords.ts';
import { backoffMs, USER_LIMIT } from '../../electron/hub/auth/accounts.ts';
import { parseRange } from '../../electron/hub/console/http.ts';
import { auditCsv } from '../../electron/hub/console/audit.ts';

describe('console accounts, pure parts', () => {
  it('a password hash is salted scrypt with its parameters, and only the password verifies', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
    expect(await verifyPassword('x', 'plain-text')).toBe(false);
    // Cheaper parameters stored with a hash still verify (the parameters travel with it).
    expect(await verifyPassword('pw 1234567890', await hashPassword('pw 1234567890', { N: 1024, r: 8, p: 1 }))).toBe(true);
  });

  it('the back-off starts at the limit, doubles, and stops at an hour', () => {
    expect(backoffMs(USER_LIMIT - 1, USER_LIMIT)).toBe(0);
    expect(backoffMs(USER_LIMIT, USER_LIMIT)).toBe(30_000);
    expect(backoffMs(USER_LIMIT + 1, USER_LIMIT)).toBe(60_000);
    expect(backoffMs(USER_LIMIT + 50, USER_LIMIT)).toBe(3600_000);
  });

  it('Range: one range of bytes, clamped to the file; anything else outside is 416', () => {
    expect(parseRange(undefined, 100)).toBeNull();
    expect(parseRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=90-200', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-1000', 100)).toEqual({ start: 0, end: 99 });
    for (const bad of ['bytes=100-', 'bytes=5-2', 'bytes=-0', 'bytes=-', 'bytes=0-1,5-6', 'items=0-1']) expect(parseRange(bad, 100)).toBe('bad');
  });

  it('audit CSV: a header, ISO times, and cells a spreadsheet would run as formulas are defused', () => {
    const csv = auditCsv([
      {
        id: 1,
        at: Date.UTC(2026, 11, 6),
        user: '=HYPERLINK("x")',
        role: null,
        action: 'login-refused',
        station: null,
        clipId: null,
        sha256: null,
        detail: 'a,b',
        address: '127.0.0.1',
      },
    ]);
    expect(csv.split('\r\n')[1]).toBe(`1,2026-12-06T00:00:00.000Z,"'=HYPERLINK(""x"")",,login-refused,,,,"a,b",127.0.0.1`);
  });
});
