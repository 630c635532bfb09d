// Presigned GET URLs (AWS Signature Version 4, query-string form, path-style), so a browser can
// fetch a clip straight from the object store for a short time. Only `host` is signed: the
// browser's Range header stays free, so seeking works on the URL. Written here on node:crypto
// because the SDK's presigner is a separate package the project does not carry.
import { createHash, createHmac } from 'node:crypto';
import type { S3Credentials } from './credentials.ts';

export interface PresignInput {
  endpoint: string;
  region: string;
  bucket: string;
  key: string;
  credentials: S3Credentials;
  expiresInSec: number;
  /** Signing time; tests pass a past one to get an expired URL. */
  now?: Date;
}

/** RFC 3986 encoding as SigV4 wants it (unreserved characters kept; `/` kept in paths). */
function enc(s: string, keepSlash = false): string {
  let out = encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  if (keepSlash) out = out.replace(/%2F/g, '/');
  return out;
}

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();
const sha256hex = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');

export function presignGetUrl(p: PresignInput): string {
  if (!(p.expiresInSec >= 1 && p.expiresInSec <= 604800)) throw new Error('expiresInSec must be 1..604800 (7 days)');
  const url = new URL(p.endpoint);
  const now = p.now ?? new Date();
  const amzDate = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${p.region}/s3/aws4_request`;
  const basePath = url.pathname.replace(/\/+$/, '');
  const canonicalUri = `${basePath}/${enc(p.bucket)}/${enc(p.key, true)}`;
  const params: [string, string][] = [
    ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
    ['X-Amz-Credential', `${p.credentials.accessKeyId}/${scope}`],
    ['X-Amz-Date', amzDate],
    ['X-Amz-Expires', String(Math.floor(p.expiresInSec))],
    ['X-Amz-SignedHeaders', 'host'],
  ];
  if (p.credentials.sessionToken) params.push(['X-Amz-Security-Token', p.credentials.sessionToken]);
  params.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const query = params.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&');
  const canonicalRequest = ['GET', canonicalUri, query, `host:${url.host}\n`, 'host', 'UNSIGNED-PAYLOAD'].join('\n');
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256hex(canonicalRequest)].join('\n');
  const kDate = hmac(`AWS4${p.credentials.secretAccessKey}`, day);
  const kSigning = hmac(hmac(hmac(kDate, p.region), 's3'), 'aws4_request');
  const signature = createHmac('sha256', kSigning).update(toSign, 'utf8').digest('hex');
  return `${url.protocol}//${url.host}${canonicalUri}?${query}&X-Amz-Signature=${signature}`;
}
