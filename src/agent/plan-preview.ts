import { Inject, Injectable } from '@nestjs/common';
import { join } from 'node:path';
import { APP_CONFIG, AppConfig } from '../platform/config/app-config';
import { accountPaths } from './system/account-paths';
import { settingsFor, zoneRecords } from './system/dns-zone';
import { parsePlan, stepsFor } from '../agent-protocol/plan';
import { SafeTarget, UnsafeValueError } from '../agent-protocol/safe-values';
import { PASSWD_FILES } from './system/passwd-database';
import { rootPrefix, TEMPLATE_NAMES, TemplateRenderer } from './system/template-renderer';
import { PlanPreview } from '../agent-protocol/agent-client';
import { values } from './steps/create-steps';

/** The dry run on the agent's side: renders every template (so a bad one fails here) and lists what a create would make. */
@Injectable()
export class PlanPreviewer {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  preview(input: unknown): PlanPreview {
    const plan = parsePlan(input);
    if (plan.action !== 'create') throw new UnsafeValueError('action', 'must be create: only a create is previewed');
    const target = plan.target as SafeTarget;
    const p = this.config.provisioning;
    const renderer = new TemplateRenderer(p.templatesDir, { root: rootPrefix(p.rootDir), listen: p.nginxListen, webGroup: p.webGroup });
    for (const name of TEMPLATE_NAMES) renderer.render(name, values(target));
    const paths = accountPaths(target);
    const serverPaths = [
      // The user, its group and its password: our writer edits these four (see passwd-database.ts).
      ...PASSWD_FILES.map((f) => `/etc/${f}`),
      `${paths.home}/`,
      `${paths.publicHtml}/`,
      paths.index,
      `${paths.logs}/`,
      `${paths.tmp}/`,
      paths.pool,
      paths.vhost,
      paths.vhostLink,
      `${paths.mailDir}/`,
    ];
    return {
      steps: stepsFor('create').map((s) => s.step),
      files: serverPaths.map((path) => join(p.rootDir, path)),
      records: zoneRecords(target.domain, settingsFor({ serverIp: p.serverIp, nameservers: p.nameservers }, plan.host)).map(({ name, type, content, ttl, prio }) => ({
        name,
        type,
        content,
        ttl,
        prio,
      })),
      commands: [p.nginxTestCommand, p.phpFpmTestCommand, p.phpFpmReloadCommand, p.nginxReloadCommand].filter((c) => c.length > 0),
    };
  }
}
