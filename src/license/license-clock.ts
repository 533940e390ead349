import { Injectable } from '@nestjs/common';

/** The time licence expiry is judged by; a provider so a test can move it. */
@Injectable()
export class LicenseClock {
  now(): Date {
    return new Date();
  }
}
