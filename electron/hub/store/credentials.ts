// S3 credentials come from the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, optional
// AWS_SESSION_TOKEN) or from a file named in the hub's settings, never from the command line
// (a command line is visible to every user of the machine in `ps`).
// The file may be an env file (`AWS_ACCESS_KEY_ID=…`) or an AWS credentials file
// (`aws_access_key_id = …`, first profile or [default]).
import * as fs from 'node:fs';

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export function parseCredentialsText(text: string): Partial<S3Credentials> {
  const out: Partial<S3Credentials> = {};
  let section: string | null = null;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const sec = /^\[(.+)\]$/.exec(line);
    if (sec) {
      // Only the first profile (normally [default]) counts.
      if (section !== null && (out.accessKeyId || out.secretAccessKey)) break;
      section = sec[1]!.trim();
      continue;
    }
    const m = /^(?:export\s+)?([A-Za-z_]+)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    const value = m[2]!.trim().replace(/^(['"])(.*)\1$/, '$2');
    switch (m[1]!.toLowerCase()) {
      case 'aws_access_key_id':
        out.accessKeyId = value;
        break;
      case 'aws_secret_access_key':
        out.secretAccessKey = value;
        break;
      case 'aws_session_token':
        out.sessionToken = value;
        break;
    }
  }
  return out;
}

/** From `file` when given, else from the environment; throws a plain-words error when absent. */
export function loadS3Credentials(opts: { file?: string | null; env?: NodeJS.ProcessEnv } = {}): S3Credentials {
  const env = opts.env ?? process.env;
  let found: Partial<S3Credentials>;
  let where: string;
  if (opts.file) {
    let text: string;
    try {
      text = fs.readFileSync(opts.file, 'utf8');
    } catch (e) {
      throw new Error(`cannot read the S3 credentials file ${opts.file}: ${(e as Error).message}`);
    }
    found = parseCredentialsText(text);
    where = `the credentials file ${opts.file}`;
  } else {
    found = {
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    };
    where = 'the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)';
  }
  if (!found.accessKeyId || !found.secretAccessKey) {
    throw new Error(`no S3 access key and secret in ${where}`);
  }
  return { accessKeyId: found.accessKeyId, secretAccessKey: found.secretAccessKey, ...(found.sessionToken ? { sessionToken: found.sessionToken } : {}) };
}
