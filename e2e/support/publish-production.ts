// The production side of publishing (issue 11) for end-to-end tests: a git working copy with a bare
// remote for a folder sync target, the built `casebook` CLI (shared/bin/casebook.mjs, needs
// shared/dist: `npm run build -w @casebook/runtime`), and the runtime's example service
// (shared/examples/service.mjs) as a child process.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RulebookArtifact } from '../../shared/src/domain.js';
import { bodyOf, generateSigningKey, signRulebook } from '../../shared/src/rulebook/index.js';
import { ROOT } from './host.js';

const CLI = path.join(ROOT, 'shared', 'bin', 'casebook.mjs');
const SERVICE = path.join(ROOT, 'shared', 'examples', 'service.mjs');

/** Throws, saying how to build it, when the runtime package is not built. */
export function requireBuiltRuntime(): void {
  if (!existsSync(path.join(ROOT, 'shared', 'dist', 'index.js'))) {
    throw new Error('shared/dist is missing: build the runtime first (npm run build -w @casebook/runtime)');
  }
}

/** A temporary folder of the test's own, removed by `remove()`. */
export function tempFolder(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), `casebook-e2e-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

const GIT_ENV = { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', LANGUAGE: 'C' };

/** Runs git; its stdout. */
export function git(args: string[]): string {
  return execFileSync('git', args, { encoding: 'utf8', env: GIT_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
}

export interface GitFolder {
  /** The bare repository that plays the remote. */
  remote: string;
  /** A clone of it: the working copy the app syncs into. */
  work: string;
  /** `git -C work log` (subjects, newest first); empty before the first commit. */
  workLog(): string[];
  /** `git --git-dir remote log` (subjects, newest first); empty before the first push. */
  remoteLog(): string[];
}

function subjects(args: string[]): string[] {
  const run = spawnSync('git', [...args, 'log', '--format=%s'], { encoding: 'utf8', env: GIT_ENV });
  // No commit yet: git says "does not have any commits yet".
  if (run.status !== 0) return [];
  return run.stdout.split('\n').filter(Boolean);
}

/** `git init --bare remote.git; git clone remote.git work` inside `dir`. */
export function makeGitFolder(dir: string): GitFolder {
  const remote = path.join(dir, 'remote.git');
  const work = path.join(dir, 'work');
  git(['init', '--quiet', '--bare', remote]);
  git(['clone', '--quiet', remote, work]);
  return {
    remote,
    work,
    workLog: () => subjects(['-C', work]),
    remoteLog: () => subjects(['--git-dir', remote]),
  };
}

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (`node shared/bin/casebook.mjs ...`) with `input` on stdin; never throws on its exit status. */
export function casebook(args: string[], input = ''): CliRun {
  const run = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, input, encoding: 'utf8', env: { ...process.env, OPENAI_API_KEY: '' }, timeout: 60_000 });
  if (run.error) throw run.error;
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

export interface ExampleService {
  /** `http://127.0.0.1:PORT` */
  url: string;
  statusUrl: string;
  output(): string;
  /** GET /casebook/status. */
  status(): Promise<ServiceStatus>;
  /** POST /extract. */
  extract(message: { id?: string; subject?: string; text: string }): Promise<{ status: number; body: Record<string, unknown> }>;
  stop(): Promise<void>;
}

/** The parts of the runtime's status report (RuntimeStatus) the tests read. */
export interface ServiceStatus {
  format: string;
  service: string;
  active: { id: string; version: number; hash: string; keyId: string | null; since: string; source: string } | null;
  lastError: { at: string; message: string; source: string; rulebook: { version?: number; hash?: string } | null } | null;
  counts: { extractions: number; invalid: number; errors: number };
}

const LISTENING = /listening on (http:\/\/127\.0\.0\.1:\d+)/;

/** Starts shared/examples/service.mjs on a free port; resolves once it says where it listens. */
export async function startExampleService(opts: {
  rulebook: string;
  publicKey: string;
  name: string;
  timeoutMs?: number;
  /** Writes the runtime's trace log into this folder (--trace-dir). */
  traceDir?: string;
  /** Extra environment (OPENAI_BASE_URL: the model endpoint of an `openai` rulebook). */
  env?: Record<string, string>;
}): Promise<ExampleService> {
  const args = [SERVICE, '--rulebook', opts.rulebook, '--public-key', opts.publicKey, '--port', '0', '--service-name', opts.name];
  if (opts.traceDir) args.push('--trace-dir', opts.traceDir);
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, OPENAI_API_KEY: '', ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (out += c));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = () => stopChild(child, exited);
  const timeoutMs = opts.timeoutMs ?? 30_000;
  let url: string;
  try {
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the example service printed no URL within ${timeoutMs} ms`)), timeoutMs);
      const check = () => {
        const m = LISTENING.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      };
      child.stdout.on('data', check);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the example service exited (code ${code}, signal ${signal})`));
      });
    });
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n--- service output ---\n${out}`);
  }
  return {
    url,
    statusUrl: `${url}/casebook/status`,
    output: () => out,
    status: async () => (await (await fetch(`${url}/casebook/status`)).json()) as ServiceStatus,
    extract: async (message) => {
      const res = await fetch(`${url}/extract`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(message) });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    },
    stop,
  };
}

async function stopChild(child: ChildProcess, exited: Promise<void>, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const late = await Promise.race([exited.then(() => false), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), graceMs)))]);
  clearTimeout(timer);
  if (late) {
    child.kill('SIGKILL');
    await exited;
  }
}

/**
 * The artifact's text with one byte changed inside a string value of its body (a letter of the
 * instructions swapped for another letter), so the JSON still parses and only the hash disagrees.
 */
export function changeOneByte(artifactText: string): string {
  const key = '"instructions":';
  const at = artifactText.indexOf(key);
  if (at < 0) throw new Error('the artifact has no instructions string');
  const open = artifactText.indexOf('"', at + key.length);
  for (let i = open + 1; i < artifactText.length; i++) {
    const c = artifactText[i]!;
    if (c === '"' || c === '\\') break;
    if (/[a-y]/.test(c)) return artifactText.slice(0, i) + String.fromCharCode(c.charCodeAt(0) + 1) + artifactText.slice(i + 1);
  }
  throw new Error('no letter to change in the instructions string');
}

/**
 * A rulebook that is whole (its hash matches its body) but signed by a key nobody trusts: `artifact`
 * as version `version`, re-hashed and signed with a fresh key. Returns it and the stranger's key id.
 */
export function signedByStranger(artifact: RulebookArtifact, version: number): { artifact: RulebookArtifact; keyId: string } {
  const stranger = generateSigningKey();
  const body = { ...bodyOf(artifact), version } as RulebookArtifact;
  return { artifact: signRulebook(body, stranger.privateKeyPem), keyId: stranger.keyId };
}
