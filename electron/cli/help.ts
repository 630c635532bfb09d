// `packwitness COMMAND --help`: one sentence per option, so a person at a terminal never has to
// read the source or the README to know what a flag does. Kept apart from the commands so that the
// texts of all commands can be read (and tested) side by side.

export interface CommandHelp {
  /** What the command is for, in one sentence. */
  summary: string;
  /** Each flag as typed, with one sentence on what it does. */
  options: [flag: string, sentence: string][];
  /** Exit codes beyond the common ones (0 done, 1 could not, 2 usage mistake). */
  exits?: [code: number, sentence: string][];
}

const data: [string, string] = ['--data DIR', "The station's data folder (index, keys, clips); defaults to the desktop app's folder, or PACKWITNESS_DATA."];
const json: [string, string] = ['--json', 'Print the answer as JSON for scripts instead of lines for a person.'];

export const HELP: Record<string, CommandHelp> = {
  serve: {
    summary: 'Run the station for a browser (door 2): the same UI and contract as the desktop window, over HTTP.',
    options: [
      data,
      ['--clips DIR', 'Keep the clips in this folder for this run (overrides the storage folder from Settings).'],
      ['--port N', 'Listen on this port (default 5190; 0 picks a free one).'],
      ['--host ADDR', 'Listen on this address (default 127.0.0.1; any other address needs the token on every route).'],
      ['--token SECRET', 'Use this token instead of a new random one when listening beyond loopback.'],
      ['--tsa URL', 'RFC 3161 timestamp authority to use, repeatable, in order of preference (stored in Settings).'],
      [
        '--reserve-mb N|auto',
        'Free space kept on the clips disk; recording is refused below it (auto: the larger of 2 GB and 5 % of the disk, at most 20 GB).',
      ],
      ['--keep-days N', 'Delete clips older than N days (0 keeps them until space runs short).'],
      ['--no-delete-for-space', 'Never delete clips to make room; refuse new recordings below the reserve instead.'],
      ['--protect-days N', 'Clips younger than N days are never deleted to make room (default 120: the longest dispute windows).'],
    ],
  },
  clips: {
    summary: "List the station's clips, newest first, or the clips of one order.",
    options: [['--order CODE', 'Only the clips of this order code (exact match).'], data, json],
    exits: [[1, 'No clip of the order given with --order was found.']],
  },
  verify: {
    summary: 'Check a file against the seal (hash, signed manifest, chain link, trusted timestamp), or the whole chain.',
    options: [
      ['FILE', 'The clip, or any file this station exported, to check.'],
      ['PACKAGE', 'An export package (its folder or ZIP): the signed export manifest and every file in it.'],
      ['--all', 'Check every chain entry and every clip file of the station instead of one file.'],
      ['--repair', 'With --all: rewrite missing sidecar files from the chain first (never overwrites one).'],
      ['--tsa-cert FILE', "A TSA's certificate or chain (PEM or DER), repeatable: checks tokens that carry none and anchors their chain, for this run."],
      data,
      json,
    ],
    exits: [
      [1, 'Not verified: the verdict names what failed.'],
      [3, 'FILE is a file this station exported (a part, a re-encode, a still, a sheet), derived from a sealed clip it names.'],
    ],
  },
  export: {
    summary: 'Write what a platform accepts for an order: the video (whole, in parts or fitted), stills, an evidence sheet and a package with verify.html.',
    options: [
      ['--order CODE', 'The order to export; repeat it for a batch.'],
      ['--orders-file FILE', 'A file of order codes, one per line (commas, tabs and spaces also separate).'],
      ['--preset NAME', 'The channel preset (see --presets; default: original); an unknown name is a usage mistake (exit 2).'],
      ['--mode shipping|returns|all', 'Which of the order’s clips: the packing (shipping) clips, the return (unboxing) clips, or both (default: shipping).'],
      ['--presets', 'List the presets with what each channel takes and its limits.'],
      ['--lang en|zh-CN', 'The language of the --presets table (default: the station’s language setting, else the system’s).'],
      ['--parts', 'Cut a clip that is too long into parts instead of speeding it up.'],
      ['--stills', 'Export still images instead of video.'],
      ['--speed', 'Speed the clip up to fit the channel’s length limit.'],
      ['--trim', 'Keep only the part between --from and --to.'],
      ['--from S', 'Start of the part to keep, in seconds from the clip’s start.'],
      ['--to S', 'End of the part to keep, in seconds from the clip’s start.'],
      ['--max-mb N', 'Size limit per file, overriding the preset.'],
      ['--max-seconds N', 'Length limit per video, overriding the preset.'],
      ['--out DIR', 'Folder to write the package into (default: exports/ in the data folder).'],
      ['--no-zip', 'Leave the package as a folder, without the ZIP file.'],
      ['--plan', 'Only say what would be written and its expected size; write nothing.'],
      data,
    ],
    exits: [[1, 'At least one order could not be exported (the summary says which and why).']],
  },
  key: {
    summary: "Print the station's public key (PEM) and its SHA-256 fingerprint, for a reviewer's openssl commands.",
    options: [data, json],
  },
  doctor: {
    summary: 'Check the station: index, clips folder, free space, key, chain and timestamp queue, and say what to do.',
    options: [
      data,
      ['--clips DIR', 'Check this clips folder instead of the one the station used last.'],
      ['--adopt', 'Index and seal clip files found on disk without an index row.'],
      ['--init-clips', 'Mark an empty folder as this station’s clips folder.'],
      json,
    ],
    exits: [[1, 'Something is wrong: each problem is printed with what to do.']],
  },
  enroll: {
    summary: "Enroll this station with a warehouse hub, which then receives every sealed clip and chain entry; the hub's key is pinned.",
    options: [
      ['HUB_URL', 'The address the hub printed when it started, e.g. http://192.168.1.20:7480.'],
      ['CODE', 'The one-time code from `packwitness hub enroll-code` (PWE1-…; valid 24 hours, used once).'],
      data,
      json,
    ],
    exits: [[1, 'Not enrolled: the hub cannot be reached, the code is wrong, expired or used, or the server is not the hub the code names.']],
  },
  hub: {
    summary:
      'Run the warehouse hub that stations publish their sealed clips to (docs/hub.md); `hub enroll-code`, `hub clips`, `hub doctor` and `hub user` (console accounts, docs/console.md) work on the same hub.',
    options: [
      ['--data DIR', "The hub's folder (its key, settings, SQLite index and clips); defaults to the station's data folder + /hub, or PACKWITNESS_HUB_DATA."],
      ['--port N', 'Port the hub listens on (default 7480; 0 picks a free one).'],
      ['--host ADDR', 'Address to listen on (default 0.0.0.0: every interface, so stations on the LAN reach it).'],
      ['--pg URL', 'Keep the index in PostgreSQL (postgres://user@host:port/db) instead of SQLite; remembered in the data folder.'],
      ['--s3 URL', 'Keep the clips in S3-compatible storage (http://host:port/bucket; keys from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY); remembered.'],
      ['--name NAME', 'The name stations show for this hub (default: this computer’s name).'],
      ['--order CODE', 'hub clips: only the clips of this order code (exact match).'],
      ['--station NAME', 'hub clips: only the clips of this station (its name or key fingerprint).'],
      [
        '--role ROLE',
        'hub user add: admin (stations, users, enrollment), service (find, play, verify, export, hold) or viewer (find, play); the password is read from stdin or a prompt, never from the command line.',
      ],
      ['--json', 'Print JSON for scripts instead of lines for people.'],
    ],
    exits: [[1, 'hub doctor: something needs looking at; hub clips --order: no clip was found.']],
  },
};

const COMMON_EXITS = 'Exit codes: 0 done; 1 could not do it (the message says why); 2 a usage mistake (an unknown command, flag or value).';

export function commandHelp(name: string, usage: string): string {
  const h = HELP[name];
  if (!h) return `Usage: packwitness ${usage}`;
  const width = Math.max(...h.options.map(([f]) => f.length));
  const lines = [`Usage: packwitness ${usage}`, '', h.summary, '', 'Options:'];
  for (const [flag, sentence] of h.options) lines.push(`  ${flag.padEnd(width)}  ${sentence}`);
  lines.push(`  ${'--help'.padEnd(width)}  Show this help.`, '', COMMON_EXITS);
  for (const [code, sentence] of h.exits ?? []) lines.push(`  ${code}: ${sentence}`);
  return lines.join('\n');
}
