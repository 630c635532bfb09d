// `packwitness` command line. Each command lives in commands/ and prints what a person needs,
// exiting non-zero with one clear sentence when it cannot do what was asked.
import { PwError } from '../../shared/contract.ts';
import { defaultDataDir } from '../engine/paths.ts';
import fs from 'node:fs';
import path from 'node:path';
import { fail, projectRoot, UsageError, type Command } from './common.ts';
import { commandHelp } from './help.ts';
import { serveCommand } from './commands/serve.ts';
import { clipsCommand } from './commands/clips.ts';
import { verifyCommand } from './commands/verify.ts';
import { exportCommand } from './commands/export.ts';
import { keyCommand } from './commands/key.ts';
import { doctorCommand } from './commands/doctor.ts';
import { enrollCommand } from './commands/enroll.ts';
import { hubCommand } from './commands/hub.ts';
import { errorMessage } from '../../shared/errorMessage.ts';

const commands: Record<string, Command> = {
  serve: serveCommand,
  clips: clipsCommand,
  verify: verifyCommand,
  export: exportCommand,
  key: keyCommand,
  doctor: doctorCommand,
  enroll: enrollCommand,
  hub: hubCommand,
};

function usage(): string {
  const lines = Object.values(commands).map((c) => `  packwitness ${c.usage}`);
  return (
    `Usage:\n${lines.join('\n')}\n\n--data defaults to ${defaultDataDir()} (the desktop app's folder; PACKWITNESS_DATA overrides it).\n` +
    `packwitness COMMAND --help says what each option does; packwitness --version prints the version.`
  );
}

function version(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { version: string };
  return `packwitness ${pkg.version}`;
}

async function main(): Promise<void> {
  const [cmd, ...rest] = process.argv.slice(2);
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    const topic = cmd === 'help' ? rest[0] : undefined;
    const named = topic !== undefined && Object.hasOwn(commands, topic) ? commands[topic] : undefined;
    console.log(named ? commandHelp(topic!, named.usage) : usage());
    return;
  }
  if (cmd === '--version' || cmd === '-v' || cmd === 'version') {
    console.log(version());
    return;
  }
  const command = Object.hasOwn(commands, cmd) ? commands[cmd] : undefined;
  if (!command) throw new UsageError(`unknown command "${cmd}"`);
  // Help is looked for before the command parses its flags, so `export --help` never starts work.
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(commandHelp(cmd, command.usage));
    return;
  }
  await command.run(rest);
}

main().catch((err: unknown) => {
  const code = (err as { code?: string }).code ?? '';
  if (err instanceof UsageError || code.startsWith('ERR_PARSE_ARGS')) fail(`${errorMessage(err)}\n\n${usage()}`, 2);
  if (err instanceof PwError) fail(err.message);
  fail(err instanceof Error && err.stack ? err.stack : errorMessage(err));
});
