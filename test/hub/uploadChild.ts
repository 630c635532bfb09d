// A separate process that starts a multipart upload and is killed (SIGKILL) by the test while it
// is under way: parts 1 and 2 are stored, part 3 is on the wire. Prints "stored 2" when the kill
// may come. Run with the project's Node (type stripping): node uploadChild.ts CONFIG_JSON FILE SHA
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { openClipStore } from '../../electron/hub/store/open.ts';

const [configJson, file, sha] = process.argv.slice(2) as [string, string, string];
const store = openClipStore(JSON.parse(configJson));
const bytes = fs.readFileSync(file);
const session = await store.beginUpload(sha, bytes.length);
const part = (n: number) => bytes.subarray((n - 1) * session.partSize, Math.min(bytes.length, n * session.partSize));
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
for (const n of [1, 2]) await store.uploadPart(session, n, part(n), md5(part(n)));
void store.uploadPart(session, 3, part(3), md5(part(3))).catch(() => {});
process.stdout.write('stored 2\n');
// Wait for the kill; never complete.
setInterval(() => {}, 1000);
