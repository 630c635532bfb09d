import { parseArgs } from 'node:util';
import { Engine } from '../../engine/engine.ts';
import { dataDirFrom, UsageError, type Command } from '../common.ts';

export const enrollCommand: Command = {
  usage: 'enroll HUB_URL CODE [--data DIR] [--json]',
  run: enroll,
};

async function enroll(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { data: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  if (positionals.length !== 2)
    throw new UsageError('enroll needs the hub URL and the enrollment code, e.g. packwitness enroll http://192.168.1.20:7480 PWE1-…');
  const [url, code] = positionals as [string, string];
  const engine = await Engine.open({ dataDir: dataDirFrom(values.data), timestampWorker: false });
  try {
    const s = await engine.call('hub.enroll', { url, code }, { door: 'cli' });
    if (values.json) {
      console.log(JSON.stringify(s, null, 2));
      return;
    }
    console.log(`Enrolled with the hub "${s.hubName}" at ${s.url}.`);
    console.log(`Pinned hub key fingerprint: ${s.hubFingerprint}`);
    console.log(
      `${s.outboxDepth} sealed clip(s) wait to be published; the running station (serve or the desktop app) publishes them` +
        `${engine.ownsData ? ' once it is started' : ' within a minute'}.`,
    );
  } finally {
    await engine.close();
  }
}
