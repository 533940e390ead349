import { DnsZoneStore, ZoneSettings } from '../system/dns-zone';
import { FileOps } from '../system/file-ops';
import { HostingDatabases } from '../system/hosting-databases';
import { StepName } from '../../agent-protocol/plan';
import { ReloadCoalescer } from '../system/reload-coalescer';
import { SafeTarget } from '../../agent-protocol/safe-values';
import { SystemUsers } from '../system/system-users';
import { TemplateRenderer } from '../system/template-renderer';

export interface StepInput {
  target: SafeTarget;
  fromPhpVersion?: string;
}

/** One piece of server state: apply makes it, undo removes or reverses it. Both are safe to repeat. */
export interface Step {
  readonly name: StepName;
  apply(input: StepInput): Promise<void>;
  undo(input: StepInput): Promise<void>;
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
  reloads: ReloadCoalescer;
  /** nginx's group (HW_WEB_GROUP): the group of homes and web roots. */
  webGroup: string;
}
