// Starts the real local stack (PostgreSQL, Redis, the AWS emulator, API, worker and the local
// edge serving frontend/dist) with `uv run taskapp-dev`, reads the addresses from its banner,
// and stops it (SIGINT, then SIGKILL) whatever happens.
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const READY = 'Press Ctrl-C to stop.';

export interface Stack {
  /** The local edge, as users reach CloudFront (no trailing slash). */
  appUrl: string;
  apiUrl: string;
  /** The AWS emulator (S3, SQS): presigned uploads and downloads go here. */
  awsUrl: string;
  /** The folder with the services' logs. */
  logs: string;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** APP_* settings on top of this process's environment. */
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Time SIGINT gets before SIGKILL. */
  graceMs?: number;
  /**
   * The edge over HTTPS with HTTP/2, as CloudFront serves, with a certificate no browser
   * trusts (`taskapp-dev --edge-tls`): for tools told to accept it (make lighthouse).
   */
  edgeTls?: boolean;
}

export async function startStack({
  env = {},
  timeoutMs = 150_000,
  graceMs = 30_000,
  edgeTls = false,
}: StackOptions = {}): Promise<Stack> {
  // `make` exports UV (uv may live in .tools/ rather than on PATH).
  const child: ChildProcessByStdio<null, Readable, Readable> = spawn(
    process.env.UV ?? 'uv',
    [
      'run',
      '--frozen',
      'taskapp-dev',
      '--port',
      '0',
      '--edge-port',
      '0',
      ...(edgeTls ? ['--edge-tls'] : []),
    ],
    // A process group of its own, so a kill reaches all of it: killing uv alone left
    // taskapp-dev, PostgreSQL and the rest running with no parent.
    {
      cwd: repo,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  const running = () => child.exitCode === null && child.signalCode === null;
  const killAll = () => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // The group is gone already.
    }
  };
  // Last resort: the test runner exits (a crash, a second Ctrl-C) without tearing down.
  const killOnExit = () => {
    if (running()) killAll();
  };
  process.once('exit', killOnExit);
  const stop = async () => {
    process.off('exit', killOnExit);
    if (!running()) return;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGINT');
    const timer = setTimeout(killAll, graceMs);
    await exited;
    clearTimeout(timer);
  };

  let output = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  let banner: string;
  try {
    banner = await new Promise<string>((resolveBanner, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the stack did not start in ${timeoutMs / 1000}s:\n${output}`)),
        timeoutMs,
      );
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        output += chunk;
        if (output.includes(READY)) {
          clearTimeout(timer);
          resolveBanner(output);
        }
      });
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(new Error(`could not run ${child.spawnfile}: ${error.message}`));
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the stack exited (${code}) before it was ready:\n${output}`));
      });
    });
  } catch (error) {
    await stop();
    throw error;
  }
  const field = (label: string): string => {
    const line = banner.split('\n').find((l) => l.trimStart().startsWith(label));
    const value = line?.trim().split(/\s+/).at(-1);
    if (!value) throw new Error(`no "${label}" line in the banner:\n${banner}`);
    return value;
  };
  try {
    return {
      appUrl: field('App').replace(/\/$/, ''),
      apiUrl: field('API:'),
      awsUrl: field('AWS emulator'),
      logs: field('Logs:'),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
