import { ApiProperty } from '@nestjs/swagger';
import { isoUtc } from '../../common/dates';
import { LicenseStatus } from '../license.service';

export class LicenseView {
  @ApiProperty({ enum: ['free', 'valid', 'expired', 'invalid'], example: 'valid', description: 'expired and invalid block every write' })
  status: string;
  @ApiProperty({ type: String, nullable: true, example: 'pro', description: 'free without a licence; null when invalid' })
  plan: string | null;
  @ApiProperty({ type: Number, nullable: true, example: 100, description: '0 = unlimited; 5 on the free plan; null when invalid' })
  max_accounts: number | null;
  @ApiProperty({ example: 3, description: 'rows in accounts, whatever their status' })
  accounts_used: number;
  @ApiProperty({ type: String, nullable: true, example: '2027-12-31T23:59:59Z' })
  expires_at: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'ACME Hosting' })
  licensee: string | null;
  @ApiProperty({ type: String, nullable: true, example: null, description: 'why writes are blocked (expired/invalid)' })
  reason: string | null;

  static of(s: LicenseStatus, accountsUsed: number): LicenseView {
    return {
      status: s.status,
      plan: s.plan,
      max_accounts: s.maxAccounts,
      accounts_used: accountsUsed,
      expires_at: isoUtc(s.expiresAt),
      licensee: s.licensee,
      reason: s.reason,
    };
  }
}
