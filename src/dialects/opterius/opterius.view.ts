import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { HostingPackage } from '../../packages/package.entity';
import { bandwidthLabel, sizeLabel } from './opterius-sizes';

/** `{result, message, data}`: Opterius' envelope on every answer. */
export interface OpteriusAnswer<T = unknown> {
  result: 'success' | 'warning';
  message: string;
  data?: T;
}

export class OpteriusPackageView {
  @ApiProperty({ example: 'Starter' })
  name: string;
  @ApiProperty({ example: '10 GB', description: '"Unlimited", "500 MB", "10 GB"' })
  disk_quota: string;
  @ApiProperty({ example: '100 GB/mo', description: '"Unlimited" or a size with "/mo"' })
  bandwidth: string;
  @ApiProperty({ example: '8.3' })
  php_default: string;

  static of(p: HostingPackage): OpteriusPackageView {
    return { name: p.name, disk_quota: sizeLabel(p.diskQuotaMb), bandwidth: bandwidthLabel(p.bandwidthMb), php_default: p.phpVersion };
  }
}

export class OpteriusCreatedView {
  @ApiProperty({ example: 42 })
  account_id: number;
  @ApiProperty({ example: 'alice' })
  username: string;
  @ApiProperty({ example: 'alice.example.com' })
  domain: string;
  @ApiProperty({ example: '203.0.113.10' })
  server_ip: string;
}

export class OpteriusUsageView {
  @ApiProperty({ example: 'alice' })
  username: string;
  @ApiProperty({ example: 'alice.example.com' })
  domain: string;
  @ApiProperty({ example: false })
  suspended: boolean;
  @ApiProperty({
    example: 0,
    description: 'MiB (rounded up), as GET /api/v1/usage measures it; 0 before the first measurement (as Opterius answers when its agent does not)',
  })
  disk_used_mb: number;
  @ApiProperty({ example: 10240, description: 'MB; 0 = unlimited' })
  disk_limit: number;
  @ApiProperty({ example: 0, description: 'MiB sent this UTC month (rounded up); 0 before the first measurement' })
  bw_used_mb: number;
}

export class OpteriusTestView {
  @ApiProperty({ example: 'Hostwright' })
  panel: string;
  @ApiProperty({ example: '0.1.0' })
  version: string;
}

export class OpteriusEnvelope {
  @ApiProperty({ enum: ['success', 'warning'] })
  result: string;
  @ApiProperty({ example: 'Account created successfully' })
  message: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  data?: unknown;
}
