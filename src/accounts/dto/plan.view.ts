import { ApiProperty } from '@nestjs/swagger';

export class PlannedRecordView {
  @ApiProperty({ example: 'alice.example.com' })
  name: string;
  @ApiProperty({ example: 'A' })
  type: string;
  @ApiProperty({ example: '203.0.113.10' })
  content: string;
}

/** What a create would write and run (`?dry_run=true`); nothing is done. */
export class PlanView {
  @ApiProperty({ example: ['system user', 'home directory', 'php-fpm pool', 'nginx vhost', 'dns zone', 'mail domain'] })
  steps: string[];
  @ApiProperty({ example: ['/etc/nginx/sites-available/alice.example.com.conf'] })
  files: string[];
  @ApiProperty({ type: [PlannedRecordView] })
  records: PlannedRecordView[];
  @ApiProperty({
    type: 'array',
    items: { type: 'array', items: { type: 'string' } },
    example: [
      ['nginx', '-t'],
      ['systemctl', 'reload', 'nginx'],
    ],
    description: 'The system commands a create would run (the user, its group and password are written by the agent itself: see files)',
  })
  commands: string[][];
}
