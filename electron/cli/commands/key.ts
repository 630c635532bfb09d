import { parseArgs } from 'node:util';
import { Engine } from '../../engine/engine.ts';
import { dataDirFrom, type Command } from '../common.ts';

export const keyCommand: Command = {
  usage: 'key    [--data DIR] [--json]',
  run: key,
};

async function key(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { data: { type: 'string' }, json: { type: 'boolean', default: false } } });
  const engine = await Engine.open({ dataDir: dataDirFrom(values.data), timestampWorker: false });
  try {
    const info = await engine.call('evidence.key', {}, { door: 'cli' });
    if (values.json) {
      console.log(JSON.stringify(info, null, 2));
      return;
    }
    process.stdout.write(info.publicKeyPem);
    console.log(`SHA-256 fingerprint: ${info.fingerprintGrouped}`);
    console.log(`(file: ${info.file}; check with: openssl pkey -pubin -in station.pem -outform DER | openssl dgst -sha256)`);
  } finally {
    await engine.close();
  }
}
