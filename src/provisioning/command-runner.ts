import { execFile } from 'node:child_process';

export class CommandFailedError extends Error {
  constructor(readonly argv: string[], readonly detail: string) {
    super(`${argv[0]} failed: ${detail}`);
  }
}

/** Runs one command from an argument array (no shell, ever); rejects with its stderr on a non-zero exit. */
export function runCommand(argv: string[], timeoutMs = 120_000): Promise<string> {
  if (argv.length === 0) return Promise.resolve('');
  return new Promise((resolve, reject) => {
    execFile(argv[0], argv.slice(1), { shell: false, timeout: timeoutMs, maxBuffer: 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new CommandFailedError(argv, (String(stderr).trim() || error.message).slice(0, 2000)));
      else resolve(String(stdout));
    });
  });
}
