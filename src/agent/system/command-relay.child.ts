// The command relay's child: reads one JSON request per line ({ id, argv, timeoutMs }), runs it
// with execFile (argument array, never a shell) and answers one JSON line per request. Exits once
// its stdin closes and the commands under way have answered. See command-runner.ts for why.
import { execFile } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface RelayRequest {
  id: number;
  argv: string[];
  timeoutMs: number;
  /** Written to the command's stdin (a secret for chpasswd: never in argv, never logged). */
  input?: string;
}

export interface RelayAnswer {
  id: number;
  ok: boolean;
  stdout: string;
  /** On failure: the command's stderr, else the reason it could not run. */
  detail: string;
}

const MAX_OUTPUT = 1024 * 1024;

function answer(reply: RelayAnswer): void {
  process.stdout.write(`${JSON.stringify(reply)}\n`);
}

createInterface({ input: process.stdin }).on('line', (line) => {
  let request: RelayRequest;
  try {
    request = JSON.parse(line) as RelayRequest;
  } catch {
    return;
  }
  const { id, argv, timeoutMs, input } = request;
  if (!Array.isArray(argv) || argv.length === 0 || !argv.every((a) => typeof a === 'string')) {
    return answer({ id, ok: false, stdout: '', detail: 'the command must be a non-empty argument array' });
  }
  const child = execFile(argv[0], argv.slice(1), { shell: false, timeout: timeoutMs, maxBuffer: MAX_OUTPUT }, (error, stdout, stderr) => {
    if (error) answer({ id, ok: false, stdout: String(stdout), detail: String(stderr).trim() || error.message });
    else answer({ id, ok: true, stdout: String(stdout), detail: '' });
  });
  child.stdin?.on('error', () => undefined); // it exited early: the callback reports why
  child.stdin?.end(typeof input === 'string' ? input : undefined);
});
