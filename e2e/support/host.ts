// Starts the real browser host (electron/web-host/main.ts) as a child process for end-to-end tests:
// port 0, a fresh temporary data directory and workspace file (or none: `workspace: false`), the demo
// on unless told otherwise.
// It runs the entry directly under tsx (`node --import tsx`), not `npm run web`, so the renderer is
// not rebuilt for every host (global-setup.ts builds it once).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface HostOptions {
  /** Seed a new workspace with the demo data (default true). */
  demo?: boolean;
  /** Extra environment for the host process (for instance OPENAI_API_KEY). */
  env?: Record<string, string>;
  /** How long to wait for the host's URL on stdout (default 60 s: it seeds and extracts the demo first). */
  startTimeoutMs?: number;
  /**
   * Start on this existing data directory (and its `workspace.casebook`) instead of a fresh temporary
   * one, for instance to restart a host on the workspace and settings a stopped host left. The
   * caller owns the directory: `stop()` leaves it in place.
   */
  dataDir?: string;
  /**
   * Pass `--workspace DATA_DIR/workspace.casebook` (the default). False starts the host as a person
   * does, without one: the most recent workspace of the data directory opens, or on a first run none
   * (the start screen).
   */
  workspace?: boolean;
}

export interface RunningHost {
  /** The URL the host printed, with the per-launch token in its fragment. */
  url: string;
  /** `http://127.0.0.1:PORT` */
  origin: string;
  token: string;
  dataDir: string;
  /** The workspace passed with --workspace; null when the host was started without one. */
  workspacePath: string | null;
  /** Everything the host wrote to stderr so far (its log). */
  stderr(): string;
  stop(): Promise<void>;
}

const URL_LINE = /Casebook is running at (http:\/\/127\.0\.0\.1:\d+\/#token=(\S+))/;

export async function startHost(options: HostOptions = {}): Promise<RunningHost> {
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'casebook-e2e-'));
  const workspacePath = options.workspace === false ? null : path.join(dataDir, 'workspace.casebook');
  const args = ['--import', 'tsx', path.join(ROOT, 'electron', 'web-host', 'main.ts'), '--port', '0', '--data-dir', dataDir];
  if (workspacePath) args.push('--workspace', workspacePath);
  if (options.demo === false) args.push('--no-demo');

  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  // A key from the developer's own shell must not leak into hosts that did not ask for one.
  if (!options.env?.OPENAI_API_KEY) delete env.OPENAI_API_KEY;
  delete env.CASEBOOK_HOME;

  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async () => {
    await stopProcess(child, exited);
    if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
  };

  const timeoutMs = options.startTimeoutMs ?? 60_000;
  try {
    const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the browser host printed no URL within ${timeoutMs} ms`)), timeoutMs);
      const onData = () => {
        const m = URL_LINE.exec(stdout);
        if (m) {
          clearTimeout(timer);
          child.stdout.off('data', onData);
          resolve(m);
        }
      };
      child.stdout.on('data', onData);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the browser host exited (code ${code}, signal ${signal}) before printing its URL`));
      });
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    const url = match[1]!;
    return {
      url,
      origin: new URL(url).origin,
      token: match[2]!,
      dataDir,
      workspacePath,
      stderr: () => stderr,
      stop,
    };
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n--- host stdout ---\n${stdout}\n--- host stderr ---\n${stderr}`);
  }
}

/** SIGTERM, then SIGKILL if the process has not exited after a grace period. */
async function stopProcess(child: ChildProcess, exited: Promise<void>, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), graceMs)));
  const graceful = await Promise.race([exited.then(() => false), timedOut]);
  clearTimeout(timer);
  if (graceful) {
    child.kill('SIGKILL');
    await exited;
  }
}
