#!/usr/bin/env node
// The `casebook` command: the runtime's CLI for production services and CI.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printable, printableLines } from '../rulebook/printable.js';
import { RUNTIME_VERSION } from '../version.js';
import * as diff from './cmd-diff.js';
import * as extract from './cmd-extract.js';
import { keygen, keygenHelp, sign, signHelp } from './cmd-keys.js';
import * as create from './cmd-new.js';
import * as teach from './cmd-teach.js';
import * as test from './cmd-test.js';
import * as verify from './cmd-verify.js';
import { CliError } from './io.js';

interface Command {
  summary: string;
  help: string;
  run(argv: string[]): Promise<number>;
}

const commands: Record<string, Command> = {
  new: { summary: 'create a rulebook from a schema file', help: create.help, run: create.run },
  teach: { summary: 'add examples as precedents, writing the next version', help: teach.help, run: teach.run },
  extract: { summary: 'extract JSONL messages with a rulebook', help: extract.help, run: extract.run },
  test: { summary: 'replay every precedent; exit 1 on any difference', help: test.help, run: test.run },
  verify: { summary: 'check a rulebook file: format, hash, signature', help: verify.help, run: verify.run },
  keygen: { summary: 'make an Ed25519 signing key pair', help: keygenHelp, run: keygen },
  sign: { summary: 'sign a rulebook with a private key', help: signHelp, run: sign },
  diff: { summary: 'show what changed between two rulebooks', help: diff.help, run: diff.run },
};

function usage(): string {
  const w = Math.max(...Object.keys(commands).map((c) => c.length));
  return [
    `casebook ${RUNTIME_VERSION}: load, test and run Casebook rulebooks`,
    '',
    'Usage: casebook <command> [options]      casebook <command> --help',
    '',
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(w)}  ${c.summary}`),
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${RUNTIME_VERSION}\n`);
    return 0;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`casebook: unknown command "${name}"\n\n${usage()}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.help}\n`);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    // Messages quote files (ids, names, keys, lines of input): printed with control characters escaped.
    if (err instanceof CliError) {
      process.stderr.write(`casebook ${name}: ${printable(err.message)}\n${err.details.map((d) => `  ${printable(d)}\n`).join('')}`);
      return err.exitCode;
    }
    const code = (err as { code?: string }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`casebook ${name}: ${printable((err as Error).message)}\nSee: casebook ${name} --help\n`);
      return 2;
    }
    process.stderr.write(`casebook ${name}: internal error: ${printableLines(String(process.env.CASEBOOK_DEBUG ? (err as Error).stack : (err as Error).message))}\n`);
    return 70;
  }
}

/** Runs the CLI on this process's arguments and sets its exit code: what the bin does. */
export function runCli(argv: string[] = process.argv.slice(2)): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0); // `casebook extract | head` is fine
  });
  main(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`casebook: ${printable(String((err as Error).message))}\n`);
      process.exitCode = 70;
    },
  );
}

// Run when executed as a script (node dist/cli/main.js), not when imported by tests or the bin.
function invokedDirectly(): boolean {
  try {
    return !!process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}
if (invokedDirectly()) runCli();
