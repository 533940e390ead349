import { Injectable } from '@nestjs/common';
import { AccountProvisioner, AccountTarget, PlanPreview } from './provisioning.port';

/** Placeholder until the real steps exist: does nothing, succeeds. */
@Injectable()
export class NoopProvisioner extends AccountProvisioner {
  async create(): Promise<void> {}
  async suspend(): Promise<void> {}
  async unsuspend(): Promise<void> {}
  async remove(): Promise<void> {}
  async changePhpVersion(): Promise<void> {}
  async plan(target: AccountTarget): Promise<PlanPreview> {
    return { steps: [], files: [], records: [], commands: [[`noop ${target.username}`]] };
  }
}
