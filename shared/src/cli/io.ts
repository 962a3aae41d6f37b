// Input and output for the CLI: JSONL read line by line with line numbers, and errors that name
// the file and line, so a person can go straight to the problem.
import { createReadStream } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { jsonTextTooDeepAt, MAX_JSON_DEPTH } from '../json/depth.js';

/** An error the CLI prints as one line (no stack), then each detail on a line of its own, and exits with `exitCode`. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1, readonly details: string[] = []) {
    super(message);
    this.name = 'CliError';
  }
}

export interface JsonLine {
  line: number;
  /** The parsed value, or undefined when the line is not JSON (then `error` says why). */
  value?: unknown;
  error?: string;
}

/** Yields every non-blank line of a JSONL stream (a file path, or '-' / undefined for stdin). */
export async function* readJsonLines(path: string | undefined): AsyncGenerator<JsonLine> {
  const input = path && path !== '-' ? createReadStream(path, { encoding: 'utf8' }) : process.stdin.setEncoding('utf8');
  const lines = createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  try {
    for await (const raw of lines) {
      n++;
      const text = n === 1 ? raw.replace(/^\uFEFF/, '') : raw;
      if (!text.trim()) continue;
      // Deeper lines are refused before they are parsed: echoing or checking them would overflow the stack.
      if (jsonTextTooDeepAt(text) >= 0) {
        yield { line: n, error: `nested deeper than ${MAX_JSON_DEPTH} levels` };
        continue;
      }
      try {
        yield { line: n, value: JSON.parse(text) };
      } catch (err) {
        yield { line: n, error: `not valid JSON (${(err as Error).message})` };
      }
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new CliError(e.code === 'ENOENT' ? `${path}: no such file` : `${path ?? 'stdin'}: ${e.message}`);
  }
}

export async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new CliError(e.code === 'ENOENT' ? `${path}: no such ${what} file` : `${path}: cannot read ${what}: ${e.message}`);
  }
}

/** Parses JSON, naming the file, line and column of a syntax error. */
export function parseJsonFile(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const m = /position (\d+)/.exec((err as Error).message);
    if (m) {
      const pos = Number(m[1]);
      const before = text.slice(0, pos);
      const line = before.split('\n').length;
      const column = pos - before.lastIndexOf('\n');
      throw new CliError(`${path}:${line}:${column}: invalid JSON (${(err as Error).message})`);
    }
    throw new CliError(`${path}: invalid JSON (${(err as Error).message})`);
  }
}

/** Writes a file through a temporary name, so a crash never leaves half a rulebook behind. */
export async function writeFileAtomic(path: string, content: string, mode?: number): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, content, mode === undefined ? 'utf8' : { encoding: 'utf8', mode });
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'no such folder' : e.code === 'EISDIR' ? 'is a folder' : e.code === 'EACCES' ? 'permission denied' : e.message;
    throw new CliError(`${path}: cannot write: ${why}`);
  }
}

/** Writes to stdout, waiting when the pipe is full so large outputs do not pile up in memory. */
export function writeOut(text: string): Promise<void> {
  return new Promise((resolve) => {
    if (process.stdout.write(text)) resolve();
    else process.stdout.once('drain', resolve);
  });
}
