import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './test-app';

export interface StackNginx {
  conf: string;
  /** `nginx -c <conf> -p <dir>`: append `-t` or `-s reload` for the agent's commands. */
  command: string[];
  /** `nginx -t` of the configuration as it is now (the vhosts under rootDir included). */
  test(): { status: number; out: string };
  stop(): void;
}

/**
 * Debian's nginx as the stack suite runs it: workers as www-data, pid, logs and temp paths under
 * `dir`, the http-level snippet README installs into /etc/nginx/conf.d (templates/nginx-http.conf:
 * the usage log format the vhosts write), a default server on `httpPort`, and the vhosts the agent
 * writes under `root`. Started once the configuration passes `nginx -t`.
 */
export function startNginx(dir: string, root: string, httpPort: number, workers = 1): StackNginx {
  for (const sub of ['nginx-tmp', 'conf.d']) mkdirSync(join(dir, sub), { recursive: true });
  mkdirSync(join(root, 'etc/nginx/sites-enabled'), { recursive: true });
  copyFileSync('/etc/nginx/fastcgi_params', join(dir, 'fastcgi_params'));
  copyFileSync(join(REPO_ROOT, 'templates/nginx-http.conf'), join(dir, 'conf.d/hostwright.conf'));
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    `user www-data;
worker_processes ${workers};
daemon on;
pid ${dir}/nginx.pid;
error_log ${dir}/nginx-error.log;
events { worker_connections 64; }
http {
  include /etc/nginx/mime.types;
  access_log off;
  client_body_temp_path ${dir}/nginx-tmp/body;
  proxy_temp_path ${dir}/nginx-tmp/proxy;
  fastcgi_temp_path ${dir}/nginx-tmp/fastcgi;
  uwsgi_temp_path ${dir}/nginx-tmp/uwsgi;
  scgi_temp_path ${dir}/nginx-tmp/scgi;
  include ${dir}/conf.d/*.conf;
  server { listen 127.0.0.1:${httpPort} default_server; return 404; }
  include ${root}/etc/nginx/sites-enabled/*.conf;
}
`,
  );
  const args = ['-c', conf, '-p', dir];
  const test = () => {
    const r = spawnSync('nginx', [...args, '-t'], { encoding: 'utf8' });
    return { status: r.status ?? 1, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
  };
  const checked = test();
  if (checked.status !== 0) throw new Error(`nginx -t: ${checked.out}`);
  execFileSync('nginx', args);
  return { conf, command: ['nginx', ...args], test, stop: () => void spawnSync('nginx', [...args, '-s', 'quit']) };
}
