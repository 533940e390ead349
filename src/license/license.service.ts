import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/**
 * Decides whether writes are allowed and whether one more account fits the plan.
 * Placeholder: free plan, never blocks. The licence issue makes it real.
 */
@Injectable()
export class LicenseService {
  /** Throws 403 license_required when the licence is invalid or expired. */
  assertWritable(): void {}

  /**
   * Called inside the account-create transaction, before the insert: throws 403
   * account_limit_reached when no seat is left. Must lock so that concurrent creates cannot
   * both take the last seat.
   */
  async reserveSeat(_em: EntityManager): Promise<void> {}
}
