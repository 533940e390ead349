import { ApiProperty } from '@nestjs/swagger';

export class LicenseSeatsView {
  @ApiProperty({ example: 3 })
  used: number;
  @ApiProperty({ example: 2, nullable: true, type: Number, description: 'null when the plan has no limit' })
  free: number | null;
}

export class ServerStatsView {
  @ApiProperty({ example: 'web01.example.net' })
  hostname: string;
  @ApiProperty({ example: '0.1.0' })
  version: string;
  /** Seconds since the panel process started. */
  @ApiProperty({ example: 86400 })
  uptime_seconds: number;
  @ApiProperty({ example: { active: 3, suspended: 1 }, description: 'Accounts counted by status' })
  accounts: Record<string, number>;
  @ApiProperty({ example: 4 })
  accounts_total: number;
  license_seats: LicenseSeatsView;
  @ApiProperty({ example: [0.12, 0.2, 0.18], description: '1, 5 and 15 minute load averages' })
  load_average: number[];
  /** Free bytes on the file system that holds the accounts' root. */
  @ApiProperty({ example: 53687091200 })
  disk_free_bytes: number;
  @ApiProperty({ example: 107374182400 })
  disk_total_bytes: number;
}
