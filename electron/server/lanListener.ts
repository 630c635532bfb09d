// LAN access switched at runtime (Settings → LAN access). The station's own listener stays on
// loopback without a token; turning LAN access on opens a SECOND listener on 0.0.0.0 that requires
// the station's secret token on every route. Why a second listener instead of rebinding the first:
// the pages already open on this computer keep their connection, loopback stays token-free, and
// turning LAN access off is just closing one socket. Port: the one chosen in station.lanSet, else
// the station's port + 1 (5191 by default; an ephemeral one when the station's port is 0).
// When the station was started with `--host 0.0.0.0` the one listener already serves the LAN with
// its token; that is fixed for the run and reported as not switchable.
import { PwError } from '../../shared/contract.ts';
import type { LanInfo } from '../../shared/contract/station.ts';
import type { Engine } from '../engine/engine.ts';
import type { LanController } from '../engine/lanHandlers.ts';
import { readLanConfig, writeLanConfig } from '../engine/lanConfig.ts';
import { isLoopback, newToken, startServer, type RunningServer, type ServerOptions } from './http.ts';
import { lanAddresses } from './lan.ts';

export interface LanListenerOptions {
  engine: Engine;
  /** The station's own listener. */
  main: RunningServer;
  /** The port asked for on the command line (0 = ephemeral): the LAN default is this + 1. */
  requestedPort: number;
  staticDir: string;
  rateLimit?: ServerOptions['rateLimit'];
  /** Where the LAN listener binds; 0.0.0.0 in the station, overridable for tests. */
  lanHost?: string;
  addresses?: () => string[];
}

const urlsFor = (addresses: string[], port: number, token: string | null): string[] =>
  addresses.map((a) => `http://${a}:${port}/${token ? `?token=${encodeURIComponent(token)}` : ''}`);

export class LanListener implements LanController {
  private readonly opts: LanListenerOptions;
  private server: RunningServer | null = null;
  private readonly fixed: boolean;
  private readonly addresses: () => string[];
  /** Calls run one after another: a double click must not open two listeners. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(opts: LanListenerOptions) {
    this.opts = opts;
    this.fixed = !isLoopback(opts.main.host);
    this.addresses = opts.addresses ?? lanAddresses;
  }

  /** The listener of this run, if any (tests and serve's start-up line). */
  get running(): RunningServer | null {
    return this.fixed ? this.opts.main : this.server;
  }

  info(): LanInfo {
    if (this.fixed) {
      const m = this.opts.main;
      return { listening: true, urls: urlsFor(this.addresses(), m.port, m.token), token: m.token, port: m.port, switchable: false, howToEnable: null };
    }
    const s = this.server;
    if (!s) {
      return {
        listening: false,
        urls: [],
        token: null,
        port: null,
        switchable: true,
        howToEnable: 'LAN access is off: this station answers only on this computer. Turn it on here; phones then scan the QR code.',
      };
    }
    return { listening: true, urls: urlsFor(this.addresses(), s.port, s.token), token: s.token, port: s.port, switchable: true, howToEnable: null };
  }

  enable(o: { port: number | null | undefined; newToken: boolean }): Promise<LanInfo> {
    return this.serial(async () => {
      this.refuseIfFixed();
      const db = this.opts.engine.db;
      const before = readLanConfig(db);
      const token = o.newToken || !before.token ? newToken() : before.token;
      const port = o.port === undefined ? before.port : o.port;
      // A new token on a running listener keeps its port (even an ephemeral one): same URL, new token.
      const bindPort = this.server && port === before.port ? this.server.port : port;
      const old = this.server;
      if (old && bindPort === old.port) {
        // Same port, new token: the socket must be given up before it can be opened again.
        await old.close();
        this.server = null;
        this.server = await this.open(bindPort, token).catch(async (err: unknown) => {
          this.server = await this.open(old.port, before.token ?? token).catch(() => null);
          throw err;
        });
      } else {
        // Another port: opened before the old one closes, so a port in use leaves phones where they were.
        this.server = await this.open(bindPort, token);
        await old?.close();
      }
      // Remembered only once the socket is open: a port in use is not reopened at the next start.
      writeLanConfig(db, { enabled: true, port, token });
      return this.info();
    });
  }

  disable(): Promise<LanInfo> {
    return this.serial(async () => {
      this.refuseIfFixed();
      const s = this.server;
      this.server = null;
      await s?.close();
      writeLanConfig(this.opts.engine.db, { ...readLanConfig(this.opts.engine.db), enabled: false });
      return this.info();
    });
  }

  /** At start-up: reopen LAN access if it was on when the station stopped. */
  restore(): Promise<LanInfo | null> {
    return this.serial(async () => {
      const c = readLanConfig(this.opts.engine.db);
      if (this.fixed || !c.enabled) return null;
      this.server = await this.open(c.port, c.token ?? newToken());
      if (!c.token) writeLanConfig(this.opts.engine.db, { ...c, token: this.server.token });
      return this.info();
    });
  }

  close(): Promise<void> {
    return this.serial(async () => {
      const s = this.server;
      this.server = null;
      await s?.close();
    });
  }

  private refuseIfFixed(): void {
    if (this.fixed) {
      throw new PwError(
        'refused',
        'This station was started with `--host` for the LAN, so LAN access is fixed until it restarts; start it without --host to switch LAN access from Settings.',
      );
    }
  }

  private async open(port: number | null, token: string): Promise<RunningServer> {
    const p = port ?? (this.opts.requestedPort === 0 ? 0 : this.opts.main.port + 1);
    try {
      return await startServer({
        engine: this.opts.engine,
        host: this.opts.lanHost ?? '0.0.0.0',
        port: p,
        token,
        staticDir: this.opts.staticDir,
        rateLimit: this.opts.rateLimit,
        addresses: this.addresses,
      });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'EADDRINUSE') throw new PwError('refused', `Port ${p} is already in use by another program; choose another port for LAN access.`);
      if (e.code === 'EACCES') throw new PwError('refused', `Port ${p} may not be opened by this user; choose a port above 1023.`);
      throw new PwError('refused', `LAN access could not be opened on port ${p}: ${e.message}`);
    }
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => {});
    return run;
  }
}
