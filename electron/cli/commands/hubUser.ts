// `packwitness hub user add NAME --role ROLE`, `hub user list`, `hub user logout NAME` (ends every
// session of the user: a lost laptop) and `hub user remove NAME`: the console's accounts
// (docs/console.md). The password is never an argument (it would stay in the shell history and
// in `ps`): it is read from stdin when that is a pipe (first line), else asked twice at a prompt
// that does not echo it. There is no default password and no default user.
import { parseArgs } from 'node:util';
import readline from 'node:readline';
import { UsageError } from '../common.ts';
import { hubDataDir, settingsWithFlags } from '../../hub/server/identity.ts';
import { openHubParts } from '../../hub/server/open.ts';
import { AccountError, Accounts } from '../../hub/auth/accounts.ts';
import { AuditLog } from '../../hub/console/audit.ts';
import { CONSOLE_ROLES } from '../../../shared/consoleWire.ts';

async function readStdinLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

function promptHidden(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = readline.createInterface({ input: process.stdin, output: process.stdout, terminal: true });
    const out = rl as unknown as { _writeToOutput: (s: string) => void };
    process.stdout.write(question);
    out._writeToOutput = () => {};
    rl.question('', (answer) => {
      rl.close();
      process.stdout.write('\n');
      resolve(answer);
    });
  });
}

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) return readStdinLine();
  const a = await promptHidden('Password: ');
  const b = await promptHidden('Again: ');
  if (a !== b) throw new UsageError('the two passwords differ');
  return a;
}

export async function hubUser(argv: string[]): Promise<void> {
  const action = argv[0];
  if (action !== 'add' && action !== 'list' && action !== 'logout' && action !== 'remove') {
    throw new UsageError('hub user add NAME --role admin|service|viewer | list | logout NAME | remove NAME');
  }
  const { values, positionals } = parseArgs({
    args: argv.slice(1),
    allowPositionals: true,
    options: { data: { type: 'string' }, pg: { type: 'string' }, role: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  const dataDir = hubDataDir(values.data);
  const settings = settingsWithFlags(dataDir, { pg: values.pg });
  if (action === 'add') {
    const name = positionals[0];
    if (!name || positionals.length > 1) throw new UsageError('hub user add NAME --role ROLE (the password comes from stdin or a prompt)');
    if (!values.role || !(CONSOLE_ROLES as readonly string[]).includes(values.role)) throw new UsageError(`--role is one of ${CONSOLE_ROLES.join(', ')}`);
    const password = await readPassword();
    const parts = await openHubParts(dataDir, settings);
    try {
      const user = await new Accounts(parts.index).addUser(name, values.role, password);
      await new AuditLog(parts.index).record({ at: Date.now(), user: 'cli', role: null, action: 'user-add', detail: `${user.name} as ${user.role}` });
      console.log(`User ${user.name} (${user.role}) added: log in to the console with this password.`);
    } catch (e) {
      if (e instanceof AccountError) {
        console.error(`packwitness: ${e.message}`);
        process.exitCode = 1;
        return;
      }
      throw e;
    } finally {
      await parts.close();
    }
    return;
  }
  if (action === 'logout' || action === 'remove') {
    const name = positionals[0];
    if (!name || positionals.length > 1) throw new UsageError(`hub user ${action} NAME`);
    const parts = await openHubParts(dataDir, settings);
    try {
      const accounts = new Accounts(parts.index);
      const user = await accounts.getUser(name);
      if (!user) {
        console.error(`packwitness: there is no user ${name}`);
        process.exitCode = 1;
        return;
      }
      if (action === 'logout') await accounts.logoutEverywhere(user.id);
      else await accounts.removeUser(name);
      await new AuditLog(parts.index).record({ at: Date.now(), user: 'cli', role: null, action: `user-${action}`, detail: user.name });
      console.log(action === 'logout' ? `Every session of ${name} has ended.` : `User ${name} removed; their sessions have ended.`);
    } finally {
      await parts.close();
    }
    return;
  }
  const parts = await openHubParts(dataDir, settings);
  try {
    const users = await new Accounts(parts.index).listUsers();
    if (values.json)
      console.log(
        JSON.stringify(
          users.map((u) => ({ name: u.name, role: u.role, createdAt: new Date(u.createdAt).toISOString() })),
          null,
          2,
        ),
      );
    else if (users.length === 0) console.log('No console users yet: packwitness hub user add NAME --role admin');
    else for (const u of users) console.log(`${u.name.padEnd(24)} ${u.role.padEnd(8)} since ${new Date(u.createdAt).toISOString()}`);
  } finally {
    await parts.close();
  }
}
