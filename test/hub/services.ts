// The hub's tests run against real servers that scripts/test.sh starts (scripts/services/*.sh):
// PACKWITNESS_TEST_PG_URL for PostgreSQL, PACKWITNESS_TEST_S3_URL + AWS_ACCESS_KEY_ID +
// AWS_SECRET_ACCESS_KEY for S3 (Ceph RGW). Without its server a suite skips and prints why;
// under CI (CI=true) it fails instead, so a CI run can never pass without having run them.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, it } from 'vitest';

export const inCi = /^(1|true|yes)$/i.test(process.env.CI ?? '');

export function pgUrl(): string | null {
  return process.env.PACKWITNESS_TEST_PG_URL || null;
}

export function s3Env(): { url: string; accessKeyId: string; secretAccessKey: string } | null {
  const url = process.env.PACKWITNESS_TEST_S3_URL;
  const accessKeyId = process.env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = process.env.AWS_SECRET_ACCESS_KEY;
  return url && accessKeyId && secretAccessKey ? { url, accessKeyId, secretAccessKey } : null;
}

const HOW: Record<'pg' | 's3', string> = {
  pg: 'PACKWITNESS_TEST_PG_URL is not set: start PostgreSQL with `bash scripts/services/postgres.sh start DIR` and export the URL it prints (scripts/test.sh does both)',
  s3: 'PACKWITNESS_TEST_S3_URL / AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY are not set: start Ceph with `bash scripts/services/s3.sh start DIR` and source DIR/env (scripts/test.sh does both)',
};

/** describe() when the server is there; otherwise a printed skip, or under CI a failing test. */
export function describeWithService(service: 'pg' | 's3', title: string, fn: () => void): void {
  const available = service === 'pg' ? pgUrl() !== null : s3Env() !== null;
  if (available) {
    describe(title, fn);
  } else if (inCi) {
    describe(title, () => {
      it(`needs its ${service === 'pg' ? 'PostgreSQL' : 'S3'} server`, () => {
        throw new Error(`CI=true and ${HOW[service]}`);
      });
    });
  } else {
    console.log(`skipped "${title}": ${HOW[service]}`);
    describe.skip(title, fn);
  }
}

/** A fresh database on the test server for one suite; `drop` removes it. */
export async function freshPgDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin = pgUrl()!;
  const name = `pwhub_${randomBytes(6).toString('hex')}`;
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  const u = new URL(admin);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const d = new pg.Client({ connectionString: admin });
      await d.connect();
      await d.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await d.end();
    },
  };
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}
