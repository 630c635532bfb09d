// Request bodies of the hub's HTTP calls, read up to a limit: a body larger than the call takes is
// refused (413) before it is held in memory, a cut-off one is a bad request.
import type http from 'node:http';
import { HubHttpError } from './ingest.ts';

export function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > limit) {
      reject(new HubHttpError(413, 'too-large', `the body is larger than the ${limit} bytes this call takes`));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new HubHttpError(413, 'too-large', `the body is larger than the ${limit} bytes this call takes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
    req.on('aborted', () => reject(new HubHttpError(400, 'bad-request', 'the request was cut off')));
  });
}
