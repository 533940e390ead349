import { Module } from '@nestjs/common';
import { LeaseService } from './lease.service';

/** Leases that keep each scheduled job on one instance at a time; import it where a job is scheduled. */
@Module({ providers: [LeaseService], exports: [LeaseService] })
export class SchedulingModule {}
