import { DnsZoneStore, ZoneSettings } from '../system/dns-zone';
import { MailDomainStore } from '../system/mail-store';
import { PlanSecrets } from '../../agent-protocol/plan-secrets';
import { PlanHost } from '../../agent-protocol/plan-host';
import { FileOps } from '../system/file-ops';
import { HostingDatabases } from '../system/hosting-databases';
import { StepName } from '../../agent-protocol/plan';
import { ReloadCoalescer, ReloadTicket, Service, StagedFile } from '../system/reload-coalescer';
import { PlanTarget } from '../../agent-protocol/safe-values';
import { SystemUsers } from '../system/system-users';
import { TemplateRenderer } from '../system/template-renderer';

export interface StepInput {
  /** A removal's target carries no email (see safe-values: an account can always be deleted). */
  target: PlanTarget;
  fromPhpVersion?: string;
  /** remove_mailbox: the local part whose maildir goes. */
  mailbox?: string;
  /** Beside the plan, never part of it (see plan-secrets.ts). */
  secrets?: PlanSecrets;
  /** A create's zone addresses, from the panel's servers row (plan-host.ts); absent: the agent's own. */
  host?: PlanHost;
  /** Set by the user step when it wrote the secrets' password with the user: the password step has nothing left to do. */
  passwordWritten?: boolean;
  /** The plan's place with the reload coalescer (plans that end in a reload). */
  reload?: ReloadTicket;
}

/** One piece of server state: apply makes it, undo removes or reverses it. Both are safe to repeat. */
export interface Step {
  readonly name: StepName;
  apply(input: StepInput): Promise<void>;
  undo(input: StepInput): Promise<void>;
  /** The nginx/php-fpm configuration files apply adds (absolute): a failing test is narrowed down to them. */
  stages?(input: StepInput): StagedFile[];
  /** Whose configuration apply or undo changes: the plan's reload tests and reloads those. */
  readonly services?: readonly Service[];
}

export type StepCatalog = Record<StepName, Step>;

/** What the steps act through; all of it confined to rootDir or the panel's database. */
export interface StepDeps {
  files: FileOps;
  users: SystemUsers;
  renderer: TemplateRenderer;
  dns: DnsZoneStore;
  zone: ZoneSettings;
  databases: HostingDatabases;
  mail: MailDomainStore;
  reloads: ReloadCoalescer;
  /** nginx's group (HW_WEB_GROUP): the group of homes and web roots. */
  webGroup: string;
}
