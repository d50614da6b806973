// Starts the real local stack (PostgreSQL, Redis, the AWS emulator, API, worker and the local
// edge serving frontend/dist) with `uv run taskapp-dev`, reads the addresses from its banner,
// and stops it (SIGINT, then SIGKILL) whatever happens.
import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export async function startStack({ env = {}, timeoutMs = 150_000 } = {}) {
  // `make` exports UV (uv may live in .tools/ rather than on PATH).
  const child = spawn(
    process.env.UV ?? 'uv',
    ['run', '--frozen', 'taskapp-dev', '--port', '0', '--edge-port', '0'],
    {
      cwd: repo,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  };
  const banner = await new Promise((resolveBanner, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the stack did not start in ${timeoutMs / 1000}s:\n${output}`)),
      timeoutMs,
    );
    const onData = (chunk) => {
      output += chunk;
      if (output.includes('Press Ctrl-C to stop.')) {
        clearTimeout(timer);
        resolveBanner(output);
      }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      output += chunk;
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the stack exited (${code}) before it was ready:\n${output}`));
    });
  }).catch(async (error) => {
    await stop();
    throw error;
  });
  const field = (label) => {
    const line = banner.split('\n').find((l) => l.trimStart().startsWith(label));
    if (!line) throw new Error(`no "${label}" line in the banner:\n${banner}`);
    return line.trim().split(/\s+/).at(-1);
  };
  return {
    appUrl: field('App').replace(/\/$/, ''),
    apiUrl: field('API:'),
    awsUrl: field('AWS emulator'),
    logs: field('Logs:'),
    stop,
  };
}
